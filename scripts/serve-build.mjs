// A static host for the production build (build/), as any static web server would serve it:
// a path answers with its file, its .html page, or its folder's index.html.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

/** Content types of the files a SvelteKit static build holds. */
export const TYPES = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.png': 'image/png',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json'
};

/**
 * Serves `root` on 127.0.0.1 (a free port unless one is given).
 * `transform(path, body)` may rewrite a file on the way out (tests use it to "deploy").
 * @returns {Promise<{ server: import('node:http').Server, origin: string }>}
 */
export async function serveBuild(root, { port = 0, transform = (_path, body) => body } = {}) {
	const server = createServer((req, res) => {
		void (async () => {
			const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
			for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
				try {
					const body = transform(candidate, await readFile(join(root, candidate)));
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
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { server, origin: `http://127.0.0.1:${server.address().port}` };
}
