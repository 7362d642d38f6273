// Issue 16, point 2: the header files the build writes for every host (_headers for static
// hosts, the nginx and Caddy snippets) must carry one and the same set of headers, derived
// from the pages' own CSP, and the shipped deploy configs must include them where they take
// effect. The browser suite (tests/e2e/security-headers.e2e.ts) checks the running servers.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	caddyHeaders,
	HARDENING_HEADERS,
	headerPolicy,
	HEADER_FILES,
	nginxHeaders,
	parsePolicy,
	REQUIRED_DIRECTIVES,
	securityHeaders,
	securityHeadersMiddleware,
	staticHostHeaders,
	writeHeaderFiles
} from '../../scripts/security-headers.mjs';
import svelteConfig from '../../svelte.config.js';

const meta = (hash: string, base = "'none'"): string =>
	`child-src 'self' blob:; default-src 'self'; connect-src 'self'; object-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; base-uri ${base}; form-action 'self'`;

/** The headers a `_headers` file gives to `/` (Netlify and Cloudflare Pages syntax). */
function fromStaticHost(text: string): Record<string, string> {
	const headers: Record<string, string> = {};
	let path = '';
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || line.trim() === '') continue;
		if (!line.startsWith(' ')) path = line.trim();
		else if (path === '/*') {
			const [name = '', ...value] = line.trim().split(': ');
			headers[name] = value.join(': ');
		}
	}
	return headers;
}

function fromNginx(text: string): Record<string, string> {
	return Object.fromEntries([...text.matchAll(/^add_header (\S+) "([^"]*)" always;$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

function fromCaddy(text: string): Record<string, string> {
	return Object.fromEntries([...text.matchAll(/^\t([A-Za-z-]+) "([^"]*)"$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

describe('the header policy', () => {
	it('is the union of the pages\' script hashes, with frame-ancestors added', () => {
		const policy = headerPolicy([meta('AAA='), meta('BBB='), meta('AAA=')]);
		const directives = parsePolicy(policy);
		expect(directives.get('script-src')).toEqual(["'self'", "'sha256-AAA='", "'sha256-BBB='"]);
		for (const [name, values] of Object.entries(REQUIRED_DIRECTIVES)) expect(directives.get(name)).toEqual(values);
	});

	it('refuses pages that disagree, a missing or loose required directive, eval, and no pages at all', () => {
		expect(() => headerPolicy([meta('AAA='), meta('BBB=', "'self'")])).toThrow('The pages disagree on the CSP directive base-uri.');
		expect(() => headerPolicy([meta('AAA=').replace("connect-src 'self'", 'connect-src *')])).toThrow("The CSP must have connect-src 'self'.");
		expect(() => headerPolicy([meta('AAA=').replace("object-src 'none'; ", '')])).toThrow("The CSP must have object-src 'none'.");
		expect(() => headerPolicy([meta('AAA=').replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")])).toThrow('The CSP must not allow eval.');
		expect(() => headerPolicy([])).toThrow('build the app first');
	});

	it('holds for the directives in svelte.config.js', () => {
		const directives = svelteConfig.kit?.csp?.directives ?? {};
		const metaPolicy = Object.entries(directives)
			.map(([name, values]) => [name, ...(values as string[]).map((value) => (value.includes(':') && !value.startsWith('sha') ? value : `'${value}'`))].join(' '))
			.join('; ');
		expect(() => headerPolicy([metaPolicy])).not.toThrow();
	});
});

describe('the header files', () => {
	it('give every host the same headers', async () => {
		const root = mkdtempSync(join(tmpdir(), 'sealdesk-headers-'));
		mkdirSync(join(root, 'admin'));
		writeFileSync(join(root, 'index.html'), `<head><meta http-equiv="content-security-policy" content="${meta('AAA=')}"></head>`);
		writeFileSync(join(root, 'admin', 'smime.html'), `<head><meta http-equiv="content-security-policy" content="${meta('BBB=')}"></head>`);
		const policy = await writeHeaderFiles(root);
		const expected = securityHeaders(policy);
		expect(Object.keys(expected)).toEqual(['Content-Security-Policy', ...Object.keys(HARDENING_HEADERS)]);
		expect(fromStaticHost(readFileSync(join(root, HEADER_FILES.static), 'utf8'))).toEqual(expected);
		expect(fromNginx(readFileSync(join(root, HEADER_FILES.nginx), 'utf8'))).toEqual(expected);
		expect(fromCaddy(readFileSync(join(root, HEADER_FILES.caddy), 'utf8'))).toEqual(expected);
		expect(staticHostHeaders(policy)).toBe(readFileSync(join(root, HEADER_FILES.static), 'utf8'));
		expect(nginxHeaders(policy)).toContain('always;');
		expect(caddyHeaders(policy)).toContain('\t-Access-Control-Allow-Origin');
	});

	it('refuse a page with no CSP meta tag', async () => {
		const root = mkdtempSync(join(tmpdir(), 'sealdesk-headers-'));
		writeFileSync(join(root, 'index.html'), '<head></head>');
		await expect(writeHeaderFiles(root)).rejects.toThrow('must carry exactly one Content-Security-Policy meta tag, it has 0.');
	});
});

describe('the shipped deploy configs', () => {
	const nginx = readFileSync('deploy/nginx.conf', 'utf8');
	const caddy = readFileSync('deploy/Caddyfile', 'utf8');

	it('nginx includes the built headers at server level, and no location drops them with its own add_header', () => {
		expect(nginx).toContain(`\tinclude /srv/sealdesk/${HEADER_FILES.nginx};`);
		expect(nginx).toContain('\troot /srv/sealdesk;');
		const locations = [...nginx.matchAll(/\n\tlocation [^{]*\{[^}]*\}/g)].map((match) => match[0]);
		expect(locations.length).toBeGreaterThan(3);
		for (const location of locations) expect(location).not.toContain('add_header');
		expect(nginx).toMatch(/location \^~ \/_headers \{\s*return 404;/);
	});

	it('both proxy /jmap and /.well-known/jmap and hide the upstream\'s CORS and CSP headers', () => {
		expect(nginx).toContain('location ^~ /jmap {');
		expect(nginx).toContain('location = /.well-known/jmap {');
		expect(nginx.match(/proxy_hide_header Access-Control-Allow-Origin;/g)).toHaveLength(2);
		expect(nginx.match(/proxy_hide_header Content-Security-Policy;/g)).toHaveLength(2);
		expect(caddy).toContain('@jmap path /jmap /jmap/* /.well-known/jmap');
		expect(caddy).toContain('header_down -Access-Control-Allow-Origin');
		expect(caddy).toContain('header_down -Content-Security-Policy');
	});

	it('Caddy imports the built headers for answers and for errors', () => {
		expect(caddy.match(new RegExp(`import /srv/sealdesk/${HEADER_FILES.caddy.replace('.', '\\.')}`, 'g'))).toHaveLength(2);
		expect(caddy).toContain('handle_errors {');
		expect(caddy).toContain('\troot * /srv/sealdesk');
	});
});

describe('the preview middleware', () => {
	const headers = securityHeaders(headerPolicy([meta('AAA=')]));

	/** Serves one answer written by `answer` behind the middleware and returns its headers. */
	async function served(answer: (res: ServerResponse) => void): Promise<Headers> {
		const middleware = securityHeadersMiddleware(headers);
		const server = createServer((req, res) => {
			middleware(req, res, () => {
				answer(res);
			});
		});
		await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
		try {
			const address = server.address();
			if (address === null || typeof address === 'string') throw new Error('no port');
			return (await fetch(`http://127.0.0.1:${address.port}/`)).headers;
		} finally {
			server.close();
		}
	}

	const answers: [string, (res: ServerResponse) => void][] = [
		['a proxied answer with its own CORS and CSP (set, then writeHead)', (res) => {
			res.setHeader('Access-Control-Allow-Origin', '*');
			res.setHeader('Content-Security-Policy', 'default-src *');
			res.writeHead(200).end('{}');
		}],
		['headers passed to writeHead', (res) => {
			res.writeHead(200, { 'access-control-allow-origin': '*', 'Access-Control-Allow-Credentials': 'true', 'content-security-policy': 'default-src *', 'x-upstream': '1' }).end();
		}],
		['a flat header list', (res) => {
			res.writeHead(200, ['Access-Control-Allow-Origin', '*', 'X-Upstream', '1']).end();
		}],
		['an implicit header (SvelteKit\'s error page)', (res) => {
			res.setHeader('content-security-policy', "script-src 'self'");
			res.statusCode = 404;
			res.end('not found');
		}]
	];
	it.each(answers)('wins over %s', async (_name, answer) => {
		const got = await served(answer);
		for (const [name, value] of Object.entries(headers)) expect(got.get(name)).toBe(value);
		expect(got.get('access-control-allow-origin')).toBeNull();
		expect(got.get('access-control-allow-credentials')).toBeNull();
	});

	it('keeps the answer\'s other headers', async () => {
		expect((await served((res) => res.writeHead(200, { 'x-upstream': '1' }).end())).get('x-upstream')).toBe('1');
	});
});
