/**
 * Issue 19, points 5, 6 and 7, by keyboard: every admin action is in Recent Logs with the
 * sentence the admin saw (refusals too); the .p12 passphrase prompt takes focus in view; after
 * each action focus is on its result or stays on the control, and Tab never starts over at
 * "Skip to content"; after Send the composer closes and the new article is shown, Send is
 * disabled while sending, and a new ticket starts from the last used group or one that can sign.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { DeskWindow } from './remote';
import { mail, pki, text } from './mails';
import { openApp, receiveAll, seedPki } from './seed';

const IMPORT = fileURLToPath(new URL('../fixtures/import/', import.meta.url));

/** Tab moves on from here, never back to the top of the page. */
async function expectTabContinues(page: Page): Promise<void> {
	await page.keyboard.press('Tab');
	expect(await page.evaluate(() => (document.activeElement?.textContent ?? '').trim())).not.toBe('Skip to content');
	expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
	await page.keyboard.press('Shift+Tab');
}

async function focused(page: Page): Promise<string> {
	return page.evaluate(() => {
		const el = document.activeElement;
		return el ? `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')} ${el.textContent.trim().slice(0, 80)}` : 'none';
	});
}

async function inViewport(locator: Locator): Promise<boolean> {
	return locator.evaluate((el) => {
		const r = el.getBoundingClientRect();
		const box = (el.closest('dialog') ?? document.documentElement).getBoundingClientRect();
		return r.top >= Math.max(0, box.top) && r.bottom <= Math.min(window.innerHeight, box.bottom);
	});
}

test('admin by keyboard: the switch keeps focus; the passphrase prompt takes focus in view; every result takes focus; every refusal is in Recent Logs with its sentence', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openApp(page, '/admin/smime');
	// The switch is disabled until the settings have loaded (it would ignore the key): wait for them.
	await expect(page.getByText('S/MIME must be enabled before certificates can be added.', { exact: false })).toBeVisible();
	const toggle = page.getByRole('switch', { name: 'S/MIME integration' });
	await toggle.focus();
	await page.keyboard.press('Enter');
	await expect(toggle).toHaveAttribute('aria-checked', 'true');
	await expect(toggle).toBeFocused();
	await expectTabContinues(page);

	// Add Certificate: a bad file, then the chain and alice, then alice again (duplicate): each result line takes focus.
	const addCert = page.getByRole('button', { name: 'Add Certificate', exact: true });
	await addCert.focus();
	await page.keyboard.press('Enter');
	const certs = page.getByRole('dialog', { name: 'Add Certificate' });
	const pasteBox = certs.getByLabel('Paste PEM text');
	await pasteBox.focus();
	await page.keyboard.insertText('this is not a certificate');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	const lines = certs.getByTestId('import-result');
	await expect(lines.last()).toHaveClass(/failed/);
	await expect(lines.last()).toBeFocused();
	await expectTabContinues(page);
	await certs.getByLabel('Choose files').setInputFiles([pki('chain.pem'), pki('alice.pem')]);
	await expect(lines).toHaveCount(3);
	await expect(lines.last()).toContainText('Imported');
	await expect(lines.last()).toBeFocused();
	await pasteBox.fill(readFileSync(pki('alice.pem'), 'utf8'));
	await pasteBox.press('Tab');
	await page.keyboard.press('Enter');
	await expect(lines).toHaveCount(4);
	await expect(lines.last()).toContainText('Fingerprint already taken');
	await expect(lines.last()).toBeFocused();
	await page.keyboard.press('Escape');

	// Add Private Key: a key without its certificate, then a .p12 that needs its passphrase.
	await page.getByRole('button', { name: 'Add Private Key', exact: true }).click();
	const keys = page.getByRole('dialog', { name: 'Add Private Key' });
	const keyLines = keys.getByTestId('import-result');
	await keys.getByLabel('Choose files').setInputFiles(pki('carol.key'));
	await expect(keyLines.last()).toContainText('This private key matches no imported certificate. Add the certificate first.');
	await keys.getByLabel('Choose files').setInputFiles(`${IMPORT}alice-modern.p12`);
	const prompt = keys.getByLabel('Passphrase for alice-modern.p12');
	await expect(prompt).toBeFocused();
	expect(await inViewport(prompt)).toBe(true);
	expect(await inViewport(keys.getByRole('button', { name: 'Import with passphrase' }))).toBe(true);
	await page.keyboard.type('wrong one');
	await page.keyboard.press('Enter');
	await expect(keyLines.last()).toContainText('wrong');
	await expect(prompt).toBeFocused();
	await page.keyboard.type('sealdesk');
	await page.keyboard.press('Enter');
	await expect(keyLines.last()).toContainText('Imported');
	await expect(keyLines.last()).toBeFocused();
	await expectTabContinues(page);
	const seen = (await certs.getByTestId('import-result').allTextContents()).concat(await keyLines.allTextContents());
	await page.keyboard.press('Escape');

	// Recent Logs: each refused import with the sentence its dialog showed; the passphrase is nowhere.
	const logs = page.getByTestId('log-row');
	const failed = logs.filter({ hasText: 'failed' });
	const sentences = [
		'"Pasted text": ',
		'Fingerprint already taken',
		'"carol.key": This private key matches no imported certificate. Add the certificate first.',
		'"alice-modern.p12": '
	];
	for (const s of sentences) await expect(failed.filter({ hasText: s }).first()).toBeVisible();
	for (const line of seen.filter((l) => /^Failed/.test(l.trim()))) {
		const sentence = line.split('—').pop()?.trim() ?? '';
		await expect(failed.filter({ hasText: sentence }).first(), sentence).toBeVisible();
	}
	await expect(logs.filter({ hasText: 'S/MIME is enabled.' })).toHaveCount(1);
	await expect(page.getByRole('main')).not.toContainText('wrong one');

	// Deleting by keyboard: focus goes to the sentence that says what happened.
	await page.getByRole('button', { name: /^Delete certificate of alice@sealdesk.test/ }).focus();
	await page.keyboard.press('Enter');
	await page.getByRole('dialog').getByRole('button', { name: 'Delete certificate' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Deleted the certificate of alice@sealdesk.test.' })).toBeFocused();
	await expectTabContinues(page);
	expect(await focused(page)).not.toContain('Skip to content');
});

test('the composer by keyboard: Send is disabled while sending, the form closes and the new article is shown; a new ticket starts from the last used group or one that can sign', async ({ page }) => {
	await seedPki(page, { group: true });
	// A group whose address has no certificate, named to sort first.
	await page.evaluate(() => (window as unknown as DeskWindow).sealdesk.saveGroup({ name: 'Accounts', email: 'accounts@sealdesk.test', sign: true, encrypt: false }));
	const [first] = await receiveAll(page, [mail({ subject: 'Keyboard reply', id: 'kbd@customer.test' }, text('Please answer.'))]);
	await page.goto(`/ticket?id=${String(first?.ticketId)}`);
	await page.getByRole('button', { name: 'Reply', exact: true }).focus();
	await page.keyboard.press('Enter');
	const reply = page.getByRole('region', { name: 'Reply' });
	await reply.getByLabel('Text').fill('Here is the answer.');
	const send = reply.getByRole('button', { name: 'Send' });
	await send.evaluate((button) => {
		const seen = { disabled: false };
		(window as unknown as { __sendSeen: typeof seen }).__sendSeen = seen;
		new MutationObserver(() => {
			if ((button as HTMLButtonElement).disabled) seen.disabled = true;
		}).observe(button, { attributes: true });
	});
	await send.focus();
	await page.keyboard.press('Enter');
	const outcome = reply.getByTestId('composer-outcome');
	await expect(outcome).toContainText('Sent. The message was signed.');
	await expect(outcome).toBeFocused();
	expect(await page.evaluate(() => (window as unknown as { __sendSeen: { disabled: boolean } }).__sendSeen.disabled)).toBe(true);
	await expect(reply.getByRole('button', { name: 'Send' })).toHaveCount(0);
	await expect(reply.getByLabel('Subject')).toHaveCount(0);
	await expect(page.getByRole('article')).toHaveCount(2);
	await expect(page.getByRole('article').nth(1)).toContainText('Here is the answer.');
	await expectTabContinues(page);

	// A new ticket: Support (bob has a signing key) rather than Accounts, which sorts first.
	await page.goto('/');
	await page.getByRole('button', { name: 'New ticket' }).click();
	const composer = page.getByRole('region', { name: 'New ticket' });
	const from = composer.getByLabel('From');
	await expect(from.locator('option')).toHaveCount(2);
	await expect(from).toHaveValue(await from.locator('option', { hasText: 'Support' }).getAttribute('value') ?? '');
	// Send one from Accounts: the next new ticket starts there.
	await from.selectOption({ label: 'Accounts <accounts@sealdesk.test>' });
	await composer.getByLabel('To', { exact: true }).fill('alice@sealdesk.test');
	await composer.getByLabel('Subject').fill('From accounts');
	await composer.getByRole('button', { name: 'Send' }).click();
	await expect(composer.getByTestId('composer-outcome')).toContainText('Sent.');
	await page.reload();
	await page.getByRole('button', { name: 'New ticket' }).click();
	await expect(page.getByRole('region', { name: 'New ticket' }).getByLabel('From')).toHaveValue(await page.getByRole('region', { name: 'New ticket' }).getByLabel('From').locator('option', { hasText: 'Accounts' }).getAttribute('value') ?? '');
});

test('tickets by keyboard: a pasted import and a Retry put focus on their result; the ticket state keeps focus', async ({ page }) => {
	await openApp(page);
	const paste = page.getByLabel('Paste a raw message');
	await paste.fill(mail({ subject: 'Pasted by keyboard', id: 'pasted@customer.test' }, text('Hello.')));
	await paste.press('Tab');
	await page.keyboard.press('Enter');
	const result = page.getByRole('status', { name: 'Mail import results' }).locator('li').last();
	await expect(result).toContainText('Pasted by keyboard');
	await expect(result).toBeFocused();
	await expectTabContinues(page);

	// An encrypted mail before any key: Retry after the key is imported.
	await seedPki(page);
	const { execFileSync } = await import('node:child_process');
	const entity = execFileSync('openssl', ['cms', '-encrypt', '-aes256', '-recip', pki('carol.pem')], { input: text('For carol.') }).toString('latin1');
	const [enc] = await receiveAll(page, [mail({ subject: 'Retry by keyboard', to: 'carol@sealdesk.test' }, entity)]);
	await page.evaluate(
		(data) => (window as unknown as DeskWindow).sealdesk.importFile({ name: 'carol.pem', data }),
		readFileSync(pki('carol.pem'), 'utf8') + readFileSync(pki('carol.key'), 'utf8')
	);
	await page.goto(`/ticket?id=${String(enc?.ticketId)}`);
	await page.getByRole('button', { name: 'Retry' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('retry-note')).toHaveText('Retried: the message was checked again.');
	await expect(page.getByTestId('retry-note')).toBeFocused();
	await expectTabContinues(page);
	const state = page.getByRole('combobox', { name: 'State' });
	await state.focus();
	await page.keyboard.press('ArrowDown');
	await expect(page.getByRole('status').filter({ hasText: /The ticket is now/ })).toBeVisible();
	await expect(state).toBeFocused();
});
