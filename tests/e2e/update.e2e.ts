import { join } from 'node:path';
import { serveBuild } from '../../scripts/serve-build.mjs';
import { expect, test, waitForServiceWorker } from './fixtures';

const root = join(import.meta.dirname, '../../build');

/** A static host of the build whose service worker changes on deploy(), as a new release would. */
async function hostWithReleases() {
	let release = 1;
	const host = await serveBuild(root, {
		transform: (path: string, body: Buffer) =>
			path === '/service-worker.js' ? `${body.toString()}\n// release ${release}\n` : body
	});
	return { ...host, deploy: () => (release += 1) };
}

test('a new deployment shows "update available" and Reload switches to it', async ({ page, requests }) => {
	const host = await hostWithReleases();
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
