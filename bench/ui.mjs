// UI operations on /admin/smime with a large store: the certificate list (virtualised) and
// Recent Logs (the newest 200 rendered). Timed inside the page, from the action to the frame
// after the DOM shows its result. Certificates come in through the desk's own import; log
// entries are written straight into the `logs` store (100,000 real operations would take an
// hour), in the shape the desk writes them.
import { certificateBundle } from './certificates.mjs';

/** In the page: runs `action`, waits until `done()` holds, then for the next frame; returns ms. */
const HELPERS = `
window.__benchMeasure = async (action, done) => {
	const started = performance.now();
	await action();
	while (!done()) await new Promise((r) => requestAnimationFrame(r));
	await new Promise((r) => requestAnimationFrame(r));
	return performance.now() - started;
};
window.__benchText = (pattern) => [...document.querySelectorAll('p.count')].some((p) => new RegExp(pattern).test(p.textContent ?? ''));
window.__benchLogCount = () => {
	const p = [...document.querySelectorAll('p.count')].map((e) => /^(\\d+) log entries/.exec((e.textContent ?? '').trim())).find(Boolean);
	return p ? Number(p[1]) : 0;
};
window.__benchControl = (label) => [...document.querySelectorAll('label')].find((l) => (l.textContent ?? '').includes(label))?.querySelector('input, select');
`;

async function fillLogs(page, count) {
	await page.evaluate(async (count) => {
		const db = await new Promise((resolve, reject) => {
			const open = indexedDB.open('sealdesk');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const tx = db.transaction('logs', 'readwrite');
		const store = tx.objectStore('logs');
		const start = Date.parse('2026-01-01T00:00:00Z');
		for (let i = 0; i < count; i++) {
			store.add({
				at: new Date(start + i * 60_000).toISOString(),
				direction: i % 3 === 0 ? 'out' : 'in',
				operation: i % 2 ? 'decrypt' : 'verify',
				status: i % 10 === 0 ? 'failed' : 'success',
				detail: i % 10 === 0 ? 'The signature is invalid.' : 'Signed by agent@bench.sealdesk.test.',
				messageId: `<m${i}@bench.sealdesk.test>`
			});
		}
		await new Promise((resolve, reject) => {
			tx.oncomplete = resolve;
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, count);
}

/**
 * @returns {Promise<Array<{ name: string, ms: number, target: number }>>}
 */
export async function benchUi({ browser, origin, certificates, logs }) {
	const context = await browser.newContext({ serviceWorkers: 'block' });
	const page = await context.newPage();
	try {
		await page.goto(`${origin}/`);
		await page.waitForFunction(() => 'sealdesk' in window);
		const pem = await certificateBundle(certificates);
		await page.evaluate(async (data) => {
			await window.sealdesk.setEnabled(true);
			await window.sealdesk.importFile({ name: 'bundle.pem', data });
		}, pem);
		await fillLogs(page, logs);
		await page.goto(`${origin}/admin/smime`, { waitUntil: 'commit' });
		// The CSP admits no inline script tag; evaluate is not subject to it.
		await page.evaluate(HELPERS);
		const results = [];
		const time = async (name, actionAndDone, arg) => {
			const ms = await page.evaluate(actionAndDone, arg);
			results.push({ name, ms, target: 100 });
		};
		// Both lists loaded (their first render is part of the page load, reported apart).
		const loadMs = await page.evaluate(
			({ c, l }) =>
				window.__benchMeasure(
					() => undefined,
					() => window.__benchText(`of ${c} certificates`) && window.__benchLogCount() >= l
				).then(() => performance.now()),
			{ c: certificates, l: logs }
		);
		results.push({ name: `/admin/smime shows ${certificates} certificates and ${logs} log entries, from navigation`, ms: loadMs, target: undefined });
		await time(`filter ${certificates} certificates by email`, (query) =>
			window.__benchMeasure(
				() => {
					const input = window.__benchControl('Filter by email');
					input.value = query;
					input.dispatchEvent(new Event('input', { bubbles: true }));
				},
				() => window.__benchText('^\\s*Showing 1 of')
			),
			`agent${certificates - 1}@`
		);
		await time(`clear the certificate filter (render ${certificates} again, virtualised)`, () =>
			window.__benchMeasure(
				() => {
					const input = window.__benchControl('Filter by email');
					input.value = '';
					input.dispatchEvent(new Event('input', { bubbles: true }));
				},
				() => !window.__benchText('^\\s*Showing 1 of')
			)
		);
		await time(`filter ${logs} log entries by status`, (failed) =>
			window.__benchMeasure(
				() => {
					const select = window.__benchControl('Filter by status');
					select.value = 'failed';
					select.dispatchEvent(new Event('change', { bubbles: true }));
				},
				() => window.__benchLogCount() === failed
			),
			Math.ceil(logs / 10)
		);
		return results;
	} finally {
		await context.close().catch(() => undefined);
	}
}
