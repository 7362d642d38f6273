// The bench's static host: the production build, plus the benchmark inputs under /__bench/
// (same origin, so the app's CSP admits the page fetching them). Inputs go to the page by
// HTTP rather than through page.evaluate, which would push 25 MB through the CDP pipe as JSON.
import { createServer, request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { TYPES } from '../scripts/serve-build.mjs';


/**
 * Serves `root` (the build) and `inputs` (at /__bench/) on 127.0.0.1, a free port.
 * Every response body is counted in `served` (path -> bytes) so a run can see what was fetched.
 * @returns {Promise<{ server: import('node:http').Server, origin: string, setUpstream(url: string | null): void }>}
 */
export async function serveBench(root, inputs) {
	/** Where /jmap goes (the mailbox part sets it), as the app's reverse proxy would send it. */
	let upstream = null;
	const server = createServer((req, res) => {
		void (async () => {
			const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
			if (upstream && (path.startsWith('/jmap') || path === '/.well-known/jmap')) {
				const target = new URL(req.url ?? '/', upstream);
				const forward = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				});
				forward.on('error', () => res.writeHead(502).end('upstream failed'));
				req.pipe(forward);
				return;
			}
			if (path.startsWith('/__bench/')) {
				try {
					const body = await readFile(join(inputs, path.slice('/__bench/'.length)));
					res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
					res.end(body);
				} catch {
					res.writeHead(404).end('not found');
				}
				return;
			}
			for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
				try {
					const body = await readFile(join(root, candidate));
					res.writeHead(200, { 'content-type': TYPES[extname(candidate)] ?? 'application/octet-stream' });
					res.end(body);
					return;
				} catch {
					// try the next candidate
				}
			}
			res.writeHead(404).end('not found');
		})();
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		server,
		origin: `http://127.0.0.1:${server.address().port}`,
		/** Proxies /jmap and /.well-known/jmap to `url` (null: stop). */
		setUpstream: (url) => {
			upstream = url;
		}
	};
}
