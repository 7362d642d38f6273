/**
 * Issue 16, key custody on the admin page: a sealed copy without a vault passphrase brings a
 * recommendation that says what a passphrase changes; once one is set the recommendation goes,
 * and the vault's idle auto-lock (15 minutes by default) can be chosen.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import type { DeskWindow } from './remote';

const P12 = [...readFileSync(new URL('../fixtures/import/alice-modern.p12', import.meta.url))];

test('a sealed copy without a passphrase is flagged; setting one removes the flag; the auto-lock is chosen on the page', async ({ page }) => {
	await page.goto('/admin/smime');
	await page.waitForFunction(() => 'sealdesk' in window);
	await page.evaluate(async (bytes) => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		await desk.setEnabled(true);
		await desk.importFile({ name: 'alice-modern.p12', data: new Uint8Array(bytes), passphrase: 'sealdesk' });
	}, P12);
	const note = page.getByRole('note', { name: 'Recommended: set a vault passphrase.' });
	await expect(note).toBeVisible();
	await expect(note).toContainText('One key has a sealed copy for the legacy decryption path, and it opens with this browser\'s own device key.');
	await expect(note).toContainText('locks itself after 15 minutes without use');

	await page.getByLabel('New vault passphrase').fill('correct horse');
	await page.getByRole('button', { name: 'Set vault passphrase' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'The vault passphrase was set.' })).toBeVisible();
	await expect(note).toHaveCount(0);

	const autoLock = page.getByLabel('Lock the vault after this long without use');
	await expect(autoLock).toHaveValue('15');
	await autoLock.selectOption({ label: '5 minutes' });
	await expect(page.getByRole('status').filter({ hasText: 'The vault locks itself after 5 minutes without use.' })).toBeVisible();
	const stored = await page.evaluate(() => (window as unknown as DeskWindow).sealdesk.vaultAutoLock());
	expect(stored).toBe(5);
});
