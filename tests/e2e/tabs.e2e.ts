/**
 * Several tabs (issue 9): two pages of one browser profile import, receive and compose at the
 * same time through `window.sealdesk` (each page has its own desk worker on the same
 * IndexedDB). Nothing is lost or duplicated, and each page's tickets list shows the other
 * page's mail within a second (BroadcastChannel).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { callDesk } from './remote';

const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
const pem = (n: string): string => readFileSync(join(PKI, n), 'utf8');

function mail(tab: string, n: number): string {
	return `From: Customer ${tab}${String(n)} <c${tab}${String(n)}@example.test>\r\nTo: bob@sealdesk.test\r\nSubject: Tab ${tab} mail ${String(n)}\r\nMessage-ID: <${tab}.${String(n)}@example.test>\r\nDate: Sun, 29 Nov 2026 04:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nHello from tab ${tab}, ${String(n)}.\r\n`;
}

async function ready(page: Page): Promise<void> {
	await page.goto('/');
	await page.waitForFunction(() => 'sealdesk' in window);
}

const call = callDesk;

test('two tabs import, receive and compose at once: nothing lost or duplicated, each sees the other within a second', async ({ context }) => {
	const a = await context.newPage();
	const b = await context.newPage();
	await ready(a);
	await ready(b);
	await call(a, 'setEnabled', true);
	await call(a, 'importFile', { name: 'root-ca.pem', data: pem('root-ca.pem') });

	const N = 6;
	await Promise.all([
		call(a, 'importFile', { name: 'alice.pem', data: pem('alice.pem') + pem('alice.key') }),
		call(b, 'importFile', { name: 'bob.pem', data: pem('bob.pem') + pem('bob.key') }),
		...Array.from({ length: N }, (_, i) => call(a, 'receive', mail('A', i))),
		...Array.from({ length: N }, (_, i) => call(b, 'receive', mail('B', i)))
	]);
	const [sentA, sentB] = await Promise.all([
		call(a, 'compose', { from: 'alice@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'Composed in A', text: 'one', sign: true, encrypt: false }),
		call(b, 'compose', { from: 'bob@sealdesk.test', to: ['alice@sealdesk.test'], subject: 'Composed in B', text: 'two', sign: true, encrypt: false })
	]);
	expect(sentA.signed && sentB.signed).toBe(true);

	for (const page of [a, b]) {
		const tickets = await call(page, 'listTickets');
		const subjects = tickets.map((t) => t.subject).sort();
		const expected = [...Array.from({ length: N }, (_, i) => `Tab A mail ${String(i)}`), ...Array.from({ length: N }, (_, i) => `Tab B mail ${String(i)}`), 'Composed in A', 'Composed in B'].sort();
		expect(subjects).toEqual(expected);
		expect(new Set(tickets.map((t) => t.id)).size).toBe(tickets.length);
		expect(await call(page, 'listCertificates')).toHaveLength(3);
	}

	// Each page's list follows the other's changes within a second.
	await expect(a.getByRole('row').filter({ hasText: 'Tab B mail 0' })).toBeVisible({ timeout: 1000 });
	await call(a, 'receive', mail('late-A', 1));
	await expect(b.getByRole('row').filter({ hasText: 'Tab late-A mail 1' })).toBeVisible({ timeout: 1000 });
	await call(b, 'receive', mail('late-B', 1));
	await expect(a.getByRole('row').filter({ hasText: 'Tab late-B mail 1' })).toBeVisible({ timeout: 1000 });
});

test('a newer database version opened in another tab does not wait: this tab lets go and asks for a reload', async ({ context }) => {
	const a = await context.newPage();
	const b = await context.newPage();
	await ready(a);
	await ready(b);
	await call(a, 'listTickets');
	// Tab B runs a newer version of the app: its upgrade must not be blocked by tab A.
	const opened = await b.evaluate(
		() =>
			new Promise<string>((resolve) => {
				const request = indexedDB.open('sealdesk', 1000);
				request.onblocked = () => {
					resolve('blocked');
				};
				request.onsuccess = () => {
					request.result.close();
					resolve('opened');
				};
				request.onerror = () => {
					resolve('error');
				};
			})
	);
	expect(opened).toBe('opened');
	await expect(a.getByTestId('reload-needed')).toContainText('Sealdesk was updated in another tab. Reload this page to continue.');
});
