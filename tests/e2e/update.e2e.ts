import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect, test, waitForServiceWorker } from './fixtures';

const root = join(import.meta.dirname, '../../build');
const types: Record<string, string> = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.png': 'image/png',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json'
};

/**
 * Serves the production build like any static host, except that the service worker can be
 * made to change: that is what a deployment of a new version looks like to a browser.
 */
async function serveBuild(): Promise<{ server: Server; origin: string; deploy(): void }> {
	let release = 1;
	const server = createServer((req, res) => {
		void (async () => {
			const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
			for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
				try {
					let body: Buffer | string = await readFile(join(root, candidate));
					if (candidate === '/service-worker.js') body = `${body.toString()}\n// release ${release}\n`;
					res.writeHead(200, { 'content-type': types[extname(candidate)] ?? 'application/octet-stream' });
					res.end(body);
					return;
				} catch {
					// try the next candidate
				}
			}
			res.writeHead(404).end('not found');
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { server, origin: `http://127.0.0.1:${port}`, deploy: () => (release += 1) };
}

test('a new deployment shows "update available" and Reload switches to it', async ({ page, requests }) => {
	const host = await serveBuild();
	requests.allowOrigin(host.origin);
	try {
		await page.goto(`${host.origin}/`);
		await waitForServiceWorker(page);
		await expect(page.getByRole('alert')).toHaveCount(0);

		host.deploy();
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});
		const notice = page.getByRole('alert');
		await expect(notice).toContainText('Update available');

		const reloaded = page.waitForEvent('load');
		await notice.getByRole('button', { name: 'Reload' }).click();
		await reloaded;
		await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
		await expect(page.getByRole('alert')).toHaveCount(0);
	} finally {
		host.server.close();
	}
});
