/**
 * Issue 19, point 3: at phone width (390×844) no page and no dialog scrolls sideways; tables
 * become stacked rows.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { verdictMails } from './mails';
import { receiveAll, seedPki } from './seed';

test.use({ viewport: { width: 390, height: 844 } });

/** The widest thing on the page, and any element that sticks out of the viewport, for the failure message. */
async function sideways(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
	return page.evaluate(() => {
		const culprits: string[] = [];
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed') {
				const inHidden = el.closest('.visually-hidden, [hidden]');
				if (!inHidden) culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${String(Math.round(r.right))}`);
			}
		}
		return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: culprits.slice(0, 8) };
	});
}

async function expectNoSideways(page: Page, what: string): Promise<void> {
	const r = await sideways(page);
	expect(r.scrollWidth, `${what} scrolls sideways: ${r.culprits.join(', ')}`).toBeLessThanOrEqual(r.innerWidth);
}

/** A dialog's own box must fit, and nothing in it may scroll sideways. */
async function expectDialogFits(page: Page, name: string): Promise<void> {
	const dialog = page.getByRole('dialog', { name });
	await expect(dialog).toBeVisible();
	const r = await dialog.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right, inner: window.innerWidth }));
	expect(r.scroll, `dialog ${name} scrolls sideways`).toBeLessThanOrEqual(r.client);
	expect(r.right, `dialog ${name} is wider than the screen`).toBeLessThanOrEqual(r.inner);
	await expectNoSideways(page, `dialog ${name}`);
}

test('no page or dialog scrolls sideways at 390 px, and the tables stack', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Get started in three steps' })).toBeVisible();
	await expectNoSideways(page, 'the first-run page');
	await page.goto('/ticket');
	await expectNoSideways(page, '/ticket without id');

	await seedPki(page, { group: true });
	const mails = verdictMails();
	const ids = await receiveAll(page, mails.map((m) => m.raw));
	await page.goto('/');
	await expect(page.getByTestId('ticket-row').first()).toBeVisible();
	await expectNoSideways(page, 'the tickets list');
	// Stacked: each cell of a row is on its own line, one above the other.
	const cells = await page.getByTestId('ticket-row').first().locator('td').evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().top));
	expect(cells.length).toBe(6);
	for (let i = 1; i < cells.length; i++) expect(cells[i]).toBeGreaterThan(cells[i - 1] ?? 0);
	// Each stacked line has the row's width: no state, date or verdict is cut to "…".
	const cut = await page.getByTestId('ticket-row').evaluateAll((rows) =>
		rows.flatMap((row) => [...row.querySelectorAll('td')].filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => `${td.className}: ${td.textContent}`))
	);
	expect(cut).toEqual([]);
	await page.getByRole('button', { name: 'New ticket' }).click();
	await expect(page.getByRole('heading', { name: 'New ticket' })).toBeVisible();
	await expectNoSideways(page, 'the new ticket composer');

	await page.goto(`/ticket?id=${String(ids[0]?.ticketId)}`);
	await expect(page.getByRole('article')).toHaveCount(1);
	await page.getByText('Security details').first().click();
	await page.getByRole('button', { name: 'Reply' }).click();
	await expectNoSideways(page, 'a ticket with its banner, details and reply');

	await page.goto('/admin/smime');
	await expect(page.getByTestId('log-row').first()).toBeVisible();
	await expectNoSideways(page, 'the admin page');
	const logCells = await page.getByTestId('log-row').first().locator('td').evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().top));
	for (let i = 1; i < logCells.length; i++) expect(logCells[i]).toBeGreaterThan(logCells[i - 1] ?? 0);

	await page.getByRole('button', { name: 'Add Certificate', exact: true }).click();
	await expectDialogFits(page, 'Add Certificate');
	await page.getByRole('dialog', { name: 'Add Certificate' }).getByLabel('Paste PEM text').fill('not a certificate');
	await page.getByRole('button', { name: 'Import pasted text' }).click();
	await expect(page.getByTestId('import-result')).toBeVisible();
	await expectDialogFits(page, 'Add Certificate');
	await page.getByRole('dialog', { name: 'Add Certificate' }).getByRole('button', { name: 'Close' }).click();
	await page.getByRole('button', { name: 'Add Private Key', exact: true }).click();
	await expectDialogFits(page, 'Add Private Key');
	await page.getByRole('dialog', { name: 'Add Private Key' }).getByRole('button', { name: 'Close' }).click();

	await page.getByRole('button', { name: /^Details of alice@sealdesk.test/ }).click();
	const details = page.getByRole('dialog').filter({ hasText: 'alice@sealdesk.test' });
	await expect(details).toBeVisible();
	await expectDialogFits(page, (await details.getAttribute('aria-label')) ?? (await details.locator('h2').first().textContent()) ?? '');
	// Each value has the dialog's width, not what a column of labels leaves of it.
	const narrowest = await details.locator('dd').evaluateAll((dds) => Math.min(...dds.map((dd) => dd.getBoundingClientRect().width)));
	const dialogWidth = (await details.boundingBox())?.width ?? 0;
	expect(narrowest).toBeGreaterThan(dialogWidth * 0.7);
	await page.keyboard.press('Escape');
	await page.getByRole('button', { name: /^Delete certificate of alice@sealdesk.test/ }).click();
	const confirm = page.getByRole('dialog').filter({ hasText: 'Delete the certificate' });
	await expect(confirm).toBeVisible();
	await expectNoSideways(page, 'the delete confirmation');
	await page.keyboard.press('Escape');

	// The mailbox page (issue 18), with a failed connection test's sentence shown.
	await page.goto('/admin/mailbox');
	await expect(page.getByRole('heading', { name: 'Mailbox', level: 1 })).toBeVisible();
	await expectNoSideways(page, 'the mailbox page');
});

test('the group form keeps its width when its error appears (issue 19)', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await seedPki(page);
	await page.goto('/admin/smime');
	const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create group' }) });
	const email = form.getByLabel('Sender email');
	const before = await email.boundingBox();
	await form.getByLabel('Name', { exact: true }).fill('A group with a rather long name that is still fine');
	await email.fill('not an address at all, and a long one so that the error sentence names it in full');
	await form.getByRole('button', { name: 'Create group' }).click();
	await expect(form.getByRole('status')).not.toBeEmpty();
	const after = await email.boundingBox();
	expect(after?.x).toBe(before?.x);
	expect(after?.width).toBe(before?.width);
});
