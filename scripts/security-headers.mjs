// The HTTP security headers of Sealdesk, derived from the build (issue 16, point 2).
//
// SvelteKit writes the Content-Security-Policy of each prerendered page into a <meta> tag, with
// the sha256 of that page's inline bootstrap script. A meta policy does not reach workers (the
// desk worker parses hostile mail and opens sealed keys) and cannot carry frame-ancestors, so
// every response must also get the policy as a header. The hashes change with every build, so
// the header is derived from the built pages, never written by hand: one policy for every path
// (the union of the pages' script hashes, so hosts that merge header rules cannot end up with
// two policies), plus frame-ancestors 'none'. The same headers go to `vite preview`, to
// `build/_headers` (Netlify, Cloudflare Pages) and to the nginx and Caddy snippets that
// deploy/nginx.conf and deploy/Caddyfile include.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Headers every response gets besides the CSP. None of them changes what the app can do. */
export const HARDENING_HEADERS = Object.freeze({
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	// Only features Chromium knows: an unknown one is a console error on every page load.
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()'
});

/** Directives only a header can carry (a meta policy ignores them). */
const HEADER_ONLY = Object.freeze({ 'frame-ancestors': ["'none'"] });

/** The directives each policy must have, with exactly these values (checked on every build). */
export const REQUIRED_DIRECTIVES = Object.freeze({
	'default-src': ["'self'"],
	'connect-src': ["'self'"],
	'object-src': ["'none'"],
	'base-uri': ["'none'"],
	'frame-ancestors': ["'none'"]
});

/** The files the build writes for static hosts and reverse proxies, relative to the build root. */
export const HEADER_FILES = Object.freeze({ static: '_headers', nginx: '_headers.nginx', caddy: '_headers.caddy' });

const META_CSP = /<meta\s+http-equiv="content-security-policy"\s+content="([^"]*)"\s*\/?>/gi;

/**
 * Parses a policy into its directives, in order.
 * @param {string} policy
 * @returns {Map<string, string[]>}
 */
export function parsePolicy(policy) {
	const directives = new Map();
	for (const part of policy.split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name) directives.set(name.toLowerCase(), values);
	}
	return directives;
}

/**
 * Writes directives back as a policy string.
 * @param {Map<string, string[]>} directives
 * @returns {string}
 */
export function formatPolicy(directives) {
	return [...directives].map(([name, values]) => [name, ...values].join(' ')).join('; ');
}

/**
 * Every prerendered page under `dir`, as paths relative to it.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function htmlFiles(dir) {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries
		.filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
		.map((entry) => join(entry.parentPath, entry.name))
		.sort();
}

/**
 * The header policy for a set of pages' meta policies: their directives (which must agree
 * except for the script hashes), the union of their script-src values, and frame-ancestors.
 * Throws when the pages disagree or a required directive is missing or looser than required.
 * @param {string[]} metaPolicies
 * @returns {string}
 */
export function headerPolicy(metaPolicies) {
	if (metaPolicies.length === 0) throw new Error('No page carries a Content-Security-Policy meta tag: build the app first (npm run build).');
	/** @type {Map<string, string[]> | undefined} */
	let merged;
	for (const policy of metaPolicies) {
		const directives = parsePolicy(policy.replaceAll('&#39;', "'").replaceAll('&quot;', '"'));
		if (!merged) {
			merged = new Map([...directives].map(([name, values]) => [name, [...values]]));
			continue;
		}
		for (const [name, values] of directives) {
			const known = merged.get(name);
			if (name === 'script-src' && known) {
				for (const value of values) if (!known.includes(value)) known.push(value);
			} else if (known?.join(' ') !== values.join(' ')) {
				throw new Error(`The pages disagree on the CSP directive ${name}.`);
			}
		}
	}
	const directives = /** @type {Map<string, string[]>} */ (merged);
	for (const [name, values] of Object.entries(HEADER_ONLY)) directives.set(name, values);
	for (const [name, values] of Object.entries(REQUIRED_DIRECTIVES)) {
		if (directives.get(name)?.join(' ') !== values.join(' ')) throw new Error(`The CSP must have ${name} ${values.join(' ')}.`);
	}
	if (/'unsafe-eval'|'wasm-unsafe-eval'/.test(formatPolicy(directives))) throw new Error('The CSP must not allow eval.');
	return formatPolicy(directives);
}

/**
 * The header policy of the pages prerendered under `dir` (the build, or SvelteKit's
 * prerendered output that `vite preview` serves).
 * @param {string} dir
 * @returns {Promise<string>}
 */
export async function policyFromPages(dir) {
	const metas = [];
	for (const file of await htmlFiles(dir)) {
		const html = await readFile(file, 'utf8');
		const found = [...html.matchAll(META_CSP)].map((match) => match[1] ?? '');
		if (found.length !== 1) throw new Error(`${file} must carry exactly one Content-Security-Policy meta tag, it has ${found.length}.`);
		metas.push(...found);
	}
	return headerPolicy(metas);
}

/**
 * Every header a response gets, CSP first.
 * @param {string} policy
 * @returns {Record<string, string>}
 */
export function securityHeaders(policy) {
	return { 'Content-Security-Policy': policy, ...HARDENING_HEADERS };
}

/**
 * The `_headers` file of Netlify and Cloudflare Pages. One rule for every path, so no host
 * can merge two policies into one response; long caching only for the content-hashed files.
 * @param {string} policy
 * @returns {string}
 */
export function staticHostHeaders(policy) {
	const lines = ['# Generated by the build from the pages\' CSP (scripts/security-headers.mjs). Do not edit.', '/*'];
	for (const [name, value] of Object.entries(securityHeaders(policy))) lines.push(`  ${name}: ${value}`);
	lines.push('/_app/immutable/*', '  Cache-Control: public, max-age=31536000, immutable', '/service-worker.js', '  Cache-Control: no-cache', '');
	return lines.join('\n');
}

/**
 * The nginx snippet deploy/nginx.conf includes at server level: `always`, so error pages and
 * proxied JMAP answers carry the policy too.
 * @param {string} policy
 * @returns {string}
 */
export function nginxHeaders(policy) {
	const lines = ['# Generated by the build from the pages\' CSP (scripts/security-headers.mjs). Do not edit.'];
	for (const [name, value] of Object.entries(securityHeaders(policy))) lines.push(`add_header ${name} "${value}" always;`);
	return `${lines.join('\n')}\n`;
}

/**
 * The Caddy snippet deploy/Caddyfile imports: deferred, so headers from a proxied JMAP server
 * cannot replace ours, and any Access-Control-Allow-Origin is dropped.
 * @param {string} policy
 * @returns {string}
 */
export function caddyHeaders(policy) {
	const lines = ['# Generated by the build from the pages\' CSP (scripts/security-headers.mjs). Do not edit.', 'header {', '\tdefer'];
	for (const [name, value] of Object.entries(securityHeaders(policy))) lines.push(`\t${name} "${value}"`);
	lines.push('\t-Access-Control-Allow-Origin', '}');
	return `${lines.join('\n')}\n`;
}

/**
 * Writes `_headers`, `_headers.nginx` and `_headers.caddy` into the build root.
 * @param {string} root
 * @returns {Promise<string>} the policy written
 */
export async function writeHeaderFiles(root) {
	const policy = await policyFromPages(root);
	await writeFile(join(root, HEADER_FILES.static), staticHostHeaders(policy));
	await writeFile(join(root, HEADER_FILES.nginx), nginxHeaders(policy));
	await writeFile(join(root, HEADER_FILES.caddy), caddyHeaders(policy));
	return policy;
}

/**
 * Wraps a SvelteKit adapter so that, once it has written the build to `root`, the header
 * files are written beside the pages.
 * @param {import('@sveltejs/kit').Adapter} adapter
 * @param {string} root
 * @returns {import('@sveltejs/kit').Adapter}
 */
export function withSecurityHeaders(adapter, root) {
	return {
		...adapter,
		async adapt(builder) {
			await adapter.adapt(builder);
			const policy = await writeHeaderFiles(root);
			builder.log.minor(`Security headers written to ${root}/_headers* (${policy.length} characters of CSP)`);
		}
	};
}

/**
 * A writeHead argument without the headers this module owns (object, list of pairs or flat list).
 * @param {unknown} arg
 * @param {Set<string>} ours
 * @returns {unknown}
 */
function withoutOurs(arg, ours) {
	if (Array.isArray(arg)) {
		if (arg.every((item) => Array.isArray(item))) return arg.filter((pair) => !ours.has(String(pair[0]).toLowerCase()));
		const pairs = [];
		for (let i = 0; i + 1 < arg.length; i += 2) if (!ours.has(String(arg[i]).toLowerCase())) pairs.push(arg[i], arg[i + 1]);
		return pairs;
	}
	if (arg !== null && typeof arg === 'object') return Object.fromEntries(Object.entries(arg).filter(([name]) => !ours.has(name.toLowerCase())));
	return arg;
}

/** Headers no response of Sealdesk's origin may carry, whoever answers (a proxied JMAP server). */
const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials'];

/**
 * A connect middleware that makes every response carry `headers` and no CORS grant, whoever
 * writes it. SvelteKit's preview renders unknown paths with its server, which sends the error
 * page's meta-derived CSP, and a proxy copies the upstream's headers: ours are set last, in
 * writeHead (Node calls it for an implicit header too), over anything set before or passed.
 * @param {Record<string, string>} headers
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function securityHeadersMiddleware(headers) {
	const owned = new Set([...Object.keys(headers).map((name) => name.toLowerCase()), ...CORS_HEADERS]);
	return (_req, res, next) => {
		const writeHead = res.writeHead.bind(res);
		/** @type {(...args: unknown[]) => import('node:http').ServerResponse} */
		const enforced = (status, ...rest) => {
			for (const name of CORS_HEADERS) res.removeHeader(name);
			for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
			return writeHead(/** @type {number} */ (status), .../** @type {[]} */ (rest.map((arg) => withoutOurs(arg, owned))));
		};
		res.writeHead = /** @type {typeof res.writeHead} */ (/** @type {unknown} */ (enforced));
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		next();
	};
}

/**
 * A Vite plugin for `vite preview` (`npm start` and the browser tests): every response gets
 * the header policy of the prerendered pages it serves and the hardening headers, and no
 * CORS headers (vite preview would send `Access-Control-Allow-Origin: *`).
 * @param {{ pages?: string }} [options] the prerendered pages, relative to the project root (default SvelteKit's output)
 * @returns {import('vite').Plugin}
 */
export function securityHeadersPreview({ pages = '.svelte-kit/output/prerendered/pages' } = {}) {
	return {
		name: 'sealdesk-security-headers',
		config: () => ({ preview: { cors: false } }),
		async configurePreviewServer(server) {
			const headers = securityHeaders(await policyFromPages(resolve(server.config.root, pages)));
			server.middlewares.use(securityHeadersMiddleware(headers));
		}
	};
}
