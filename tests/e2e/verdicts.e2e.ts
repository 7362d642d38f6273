/**
 * Issue 19, point 1: every ticket row shows its security verdict in words, colour and an SVG
 * icon of the app's one icon set, and no page shows an emoji.
 */
import { expect, test } from './fixtures';
import { verdictMails } from './mails';
import { emojiOnPage, receiveAll, seedPki } from './seed';

const mails = verdictMails();
const WORDS: Record<string, string> = {
	valid: 'Signature valid',
	invalid: 'Signature invalid',
	untrusted: 'Signer untrusted',
	expired: 'Certificate expired',
	'sender-mismatch': 'Sender mismatch',
	decrypted: 'Decrypted',
	'no-key': 'No key to decrypt',
	failed: 'Decryption failed'
};

test('each row shows its verdict: text, colour and an SVG icon; the banner uses the same icons; no emoji on any page', async ({ page }) => {
	await seedPki(page);
	const ids = await receiveAll(page, mails.map((m) => m.raw));
	await page.goto('/');
	const colours = new Map<string, string>();
	for (const m of mails) {
		const row = page.getByRole('row').filter({ hasText: m.subject });
		const badge = row.locator(`[data-verdict="${m.verdict}"]`);
		await expect(badge, m.verdict).toHaveText(WORDS[m.verdict] ?? '');
		await expect(badge.locator('svg.icon')).toHaveCount(1);
		await expect(badge.locator('svg.icon')).toHaveAttribute('aria-hidden', 'true');
		colours.set(m.verdict, await badge.evaluate((el) => getComputedStyle(el).color));
	}
	// Good, doubtful and bad verdicts differ in colour too (never colour alone: the words differ).
	expect(colours.get('valid')).not.toBe(colours.get('invalid'));
	expect(colours.get('untrusted')).not.toBe(colours.get('invalid'));
	expect(colours.get('untrusted')).not.toBe(colours.get('valid'));
	expect(await emojiOnPage(page)).toEqual([]);

	// The ticket page's banner draws the same icon for the same verdict.
	const invalid = ids[mails.findIndex((m) => m.verdict === 'invalid')];
	await page.goto(`/ticket?id=${String(invalid?.ticketId)}`);
	await expect(page.locator('.banner svg.icon[data-icon="invalid"]')).toHaveCount(1);
	expect(await emojiOnPage(page)).toEqual([]);

	await page.goto('/admin/smime');
	await expect(page.getByRole('heading', { name: 'Certificates', exact: true })).toBeVisible();
	expect(await emojiOnPage(page)).toEqual([]);
});
