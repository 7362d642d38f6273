/**
 * Issue 19, point 4: certificates as a sortable table (subject, email addresses, SHA-1, valid
 * from and until, private key) that fills the page; badges for expired and expiring within 30
 * days, a summary line at the top, and an import result that says a certificate has expired.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pki, shortLivedCertificate } from './mails';
import { openApp } from './seed';

const row = (page: Page, email: string): Locator => page.getByTestId('certificate-row').filter({ hasText: email });

async function importText(page: Page, text: string): Promise<Locator> {
	await page.getByRole('button', { name: 'Add Certificate', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Add Certificate' });
	await dialog.getByLabel('Paste PEM text').fill(text);
	await dialog.getByRole('button', { name: 'Import pasted text' }).click();
	const line = dialog.getByTestId('import-result').last();
	await expect(line).not.toContainText('Importing');
	return line;
}

test('a sortable table that fills the page, with expiry badges, a summary line and an expired import that says so', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openApp(page, '/admin/smime');
	await page.getByRole('switch', { name: 'S/MIME integration' }).click();
	await expect(page.getByRole('button', { name: 'Add Certificate', exact: true })).toBeVisible();

	// An expired certificate's import result says so.
	const expired = await importText(page, readFileSync(pki('expired.pem'), 'utf8'));
	await expect(expired).toContainText(/Imported the certificate of expired@sealdesk\.test\. The certificate of expired@sealdesk\.test expired on .*2021/);
	await page.getByRole('dialog', { name: 'Add Certificate' }).getByRole('button', { name: 'Close' }).click();
	const soon = await importText(page, shortLivedCertificate('soon@customer.test', 10) + shortLivedCertificate('later@customer.test', 20));
	await expect(soon).toContainText('The certificate of soon@customer.test expires on');
	await expect(soon).toContainText('within 30 days.');
	await page.getByRole('dialog', { name: 'Add Certificate' }).getByRole('button', { name: 'Close' }).click();
	await importText(page, readFileSync(pki('chain.pem'), 'utf8') + readFileSync(pki('alice.pem'), 'utf8') + readFileSync(pki('bob.pem'), 'utf8'));
	await page.getByRole('dialog', { name: 'Add Certificate' }).getByRole('button', { name: 'Close' }).click();

	// The summary line at the top of the page.
	await expect(page.getByTestId('expiry-summary')).toHaveText(/2 certificates expire within 30 days\. 1 certificate has expired\./);
	const summaryBox = await page.getByTestId('expiry-summary').boundingBox();
	const certsBox = await page.getByRole('heading', { name: 'Certificates', exact: true }).boundingBox();
	expect(summaryBox?.y ?? Infinity).toBeLessThan(certsBox?.y ?? 0);

	// Badges.
	await expect(row(page, 'expired@sealdesk.test').locator('[data-badge="expired"]')).toHaveText('expired');
	await expect(row(page, 'soon@customer.test').locator('[data-badge="expiring"]')).toHaveText('expires within 30 days');
	await expect(row(page, 'alice@sealdesk.test').locator('[data-badge="expired"], [data-badge="expiring"]')).toHaveCount(0);

	// The columns Zammad shows.
	const headers = page.getByTestId('certificate-table').locator('thead th');
	await expect(headers).toHaveText(['Subject', 'Email addresses', 'SHA-1 fingerprint', 'Valid from', 'Valid until', 'Private key', 'Status', 'Actions']);
	await expect(row(page, 'alice@sealdesk.test').locator('td.key')).toHaveText('No');

	// Sorting by a column header, both ways, said by aria-sort.
	const until = page.getByRole('columnheader', { name: 'Valid until' });
	await until.getByRole('button').click();
	await expect(until).toHaveAttribute('aria-sort', 'ascending');
	await expect(page.getByTestId('certificate-row').first()).toContainText('expired@sealdesk.test');
	await until.getByRole('button').click();
	await expect(until).toHaveAttribute('aria-sort', 'descending');
	await expect(page.getByTestId('certificate-row').last()).toContainText('expired@sealdesk.test');
	await page.getByRole('columnheader', { name: 'Email addresses' }).getByRole('button').click();
	await expect(page.getByTestId('certificate-row').first()).toContainText('alice@sealdesk.test');

	// It fills the page: no scroll box of its own; scrolled to, all seven rows are whole on a 1280x800 screen.
	const table = page.getByTestId('certificate-table');
	expect(await table.evaluate((el) => { let n: HTMLElement | null = el.parentElement; while (n && n !== document.body) { const o = getComputedStyle(n).overflowY; if (o === 'auto' || o === 'scroll') return true; n = n.parentElement; } return false; })).toBe(false);
	await table.scrollIntoViewIfNeeded();
	await page.evaluate(() => {
		window.scrollBy(0, (document.querySelector('[data-testid="certificate-table"]')?.getBoundingClientRect().top ?? 0) - 10);
	});
	const rows = page.getByTestId('certificate-row');
	await expect(rows).toHaveCount(7);
	for (let i = 0; i < 7; i++) {
		const box = await rows.nth(i).boundingBox();
		expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
		expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
	}

	// Copy puts the SHA-1 fingerprint on the clipboard, and says so where it can be seen.
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await row(page, 'alice@sealdesk.test').getByRole('button', { name: /^Copy SHA-1 fingerprint of/ }).click();
	const status = page.getByTestId('copy-status');
	await expect(status).toBeVisible();
	await expect(status).toHaveText(/^Copied the SHA-1 fingerprint of .*alice/);
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	expect(copied).toMatch(/^[0-9a-f]{40}$/);
	await expect(row(page, 'alice@sealdesk.test')).toContainText(copied);
});
