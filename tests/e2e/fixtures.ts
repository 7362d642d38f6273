import { test as base, expect, type BrowserContext } from '@playwright/test';

/** Every request the browser made during a test, by URL, page and service worker alike. */
export interface RequestLog {
	urls: string[];
	/** Requests to an origin that is neither the app's nor one the test serves itself. */
	foreign(): string[];
	/** Declares another origin the test itself serves the app from. */
	allowOrigin(origin: string): void;
}

function recordRequests(context: BrowserContext, origin: string): RequestLog {
	const urls: string[] = [];
	const allowed = new Set([origin]);
	context.on('request', (request) => urls.push(request.url()));
	return {
		urls,
		foreign: () =>
			urls.filter((url) => {
				if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return false;
				return !allowed.has(new URL(url).origin);
			}),
		allowOrigin: (other) => allowed.add(other)
	};
}

/**
 * The base test for every browser test: it records each request and fails the test when
 * anything left the app's origin (zero server trust, checked on every walk).
 */
export const test = base.extend<{ requests: RequestLog }>({
	requests: [
		async ({ context, baseURL }, use) => {
			const origin = new URL(baseURL ?? 'http://localhost:4173').origin;
			const log = recordRequests(context, origin);
			await use(log);
			expect(log.foreign(), 'requests to another origin').toEqual([]);
		},
		{ auto: true }
	]
});

export { expect };

/**
 * Waits until a service worker controls the page, so that a reload works offline. The worker
 * claims the pages open when it activates; a page whose navigation began before that and ended
 * after it is not one of them (CI once waited a minute for it), so such a page is loaded again,
 * as a visitor's next navigation would be.
 */
export async function waitForServiceWorker(page: import('@playwright/test').Page): Promise<void> {
	const controlled = await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (navigator.serviceWorker.controller) return true;
		return new Promise<boolean>((resolve) => {
			navigator.serviceWorker.addEventListener('controllerchange', () => {
				resolve(true);
			});
			setTimeout(() => {
				resolve(navigator.serviceWorker.controller !== null);
			}, 5000);
		});
	});
	if (controlled) return;
	await page.reload();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}
