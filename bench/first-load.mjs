// First load of the app: the JavaScript each page fetches (gzip -9, as a static host would
// serve it), with the desk worker's scripts apart (they load after the page is up), and the
// time until the page is usable: the desk handle exists and has answered a first call
// (`isEnabled`), measured from navigation start, on a cold profile and then from the service
// worker's cache.
import { gzipSync } from 'node:zlib';

const PAGES = ['/', '/admin/smime'];

async function usableAt(page, origin, path) {
	await page.goto(`${origin}${path}`, { waitUntil: 'commit' });
	return page.evaluate(async () => {
		while (!('sealdesk' in window)) await new Promise((resolve) => setTimeout(resolve, 2));
		await window.sealdesk.isEnabled();
		return performance.now();
	});
}

async function coldLoad(browser, origin, path) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const scripts = [];
	page.on('response', (response) => {
		const url = response.url();
		if (!url.endsWith('.js')) return;
		scripts.push(response.body().then((body) => ({ url, gz: gzipSync(body, { level: 9 }).length })).catch(() => ({ url, gz: 0 })));
	});
	try {
		const coldMs = await usableAt(page, origin, path);
		await page.waitForLoadState('networkidle');
		const fetched = await Promise.all(scripts);
		// The service worker has taken this origin: a second visit is served from its cache.
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		const again = await context.newPage();
		const swMs = await usableAt(again, origin, path);
		const controlled = await again.evaluate(() => navigator.serviceWorker.controller !== null);
		if (!controlled) throw new Error(`${path}: the second visit was not served by the service worker`);
		const workerScript = (s) => s.url.includes('/workers/');
		return {
			coldMs,
			swMs,
			pageJs: fetched.filter((s) => !workerScript(s)).reduce((n, s) => n + s.gz, 0),
			workerJs: fetched.filter(workerScript).reduce((n, s) => n + s.gz, 0),
			scripts: fetched
		};
	} finally {
		await context.close();
	}
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** @returns {Promise<{ pages: Array<{ path: string, pageJs: number, workerJs: number, coldMs: number, swMs: number }> }>} */
export async function benchFirstLoad({ browser, origin, runs, quick = false }) {
	const pages = [];
	// The quick run (kept under a minute) loads / only.
	for (const path of quick ? PAGES.slice(0, 1) : PAGES) {
		const samples = [];
		for (let i = 0; i < runs; i++) samples.push(await coldLoad(browser, origin, path));
		const last = samples[samples.length - 1];
		pages.push({
			path,
			pageJs: last.pageJs,
			workerJs: last.workerJs,
			coldMs: median(samples.map((s) => s.coldMs)),
			swMs: median(samples.map((s) => s.swMs)),
			scripts: last.scripts
		});
	}
	return { pages };
}
