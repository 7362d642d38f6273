/**
 * The tickets pages (issue 7), walked as an agent would, over the real build in Chromium.
 * The mails are made here by openssl from the shared test PKI (tests/fixtures/pki): alice is
 * the customer, bob@sealdesk.test is the support group's address and holds the key. The reply
 * the page produces is checked with `openssl cms -decrypt` and `openssl cms -verify`.
 */
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test, waitForServiceWorker } from './fixtures';

const PKI = fileURLToPath(new URL('../fixtures/pki/', import.meta.url));
const pki = (name: string): string => join(PKI, name);
const work = mkdtempSync(join(tmpdir(), 'sealdesk-tickets-'));

function openssl(args: string[], input?: string | Buffer): Buffer {
	return execFileSync('openssl', args, { input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Adds Message-ID and Date in front of an openssl-made message. */
function withIds(message: Buffer, messageId: string, extra = ''): Buffer {
	return Buffer.concat([Buffer.from(`Message-ID: <${messageId}>\r\nDate: ${new Date().toUTCString()}\r\n${extra}`), message]);
}

/** A detached-signed mail from alice to bob, and one that alice signed and then encrypted for bob. */
function makeMails(): { signed: string; encrypted: string } {
	const body = join(work, 'body.txt');
	writeFileSync(body, 'Content-Type: text/plain; charset=utf-8\r\n\r\nHello, my printer is broken.\r\n');
	const signed = openssl([
		'cms', '-sign', '-in', body, '-signer', pki('alice.pem'), '-inkey', pki('alice.key'), '-certfile', pki('chain.pem'), '-md', 'sha256',
		'-from', 'alice@sealdesk.test', '-to', 'bob@sealdesk.test', '-subject', 'Printer broken'
	]);
	const secretBody = join(work, 'secret.txt');
	writeFileSync(secretBody, 'Content-Type: text/plain; charset=utf-8\r\n\r\nMy invoice number is 4711.\r\n');
	const inner = join(work, 'inner.eml');
	writeFileSync(inner, openssl(['cms', '-sign', '-in', secretBody, '-signer', pki('alice.pem'), '-inkey', pki('alice.key'), '-certfile', pki('chain.pem'), '-md', 'sha256']));
	const encrypted = openssl([
		'cms', '-encrypt', '-in', inner, '-aes256', '-recip', pki('bob.pem'), '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256',
		'-from', 'alice@sealdesk.test', '-to', 'bob@sealdesk.test', '-subject', 'Invoice question'
	]);
	const files = { signed: join(work, 'printer.eml'), encrypted: join(work, 'invoice.eml') };
	writeFileSync(files.signed, withIds(signed, 'printer@customer.test'));
	writeFileSync(files.encrypted, withIds(encrypted, 'invoice@customer.test'));
	return files;
}

const mails = makeMails();

const ticketRow = (page: Page, subject: string): Locator => page.getByRole('row').filter({ hasText: subject });
const article = (page: Page, index: number): Locator => page.getByRole('article').nth(index);
const banner = (scope: Locator): Locator => scope.getByRole('region', { name: /^Security of article #\d+$/ });

async function openTicket(page: Page, subject: string): Promise<void> {
	await page.goto('/');
	await ticketRow(page, subject).getByRole('link', { name: subject }).click();
	await expect(page.getByRole('heading', { level: 2, name: new RegExp(subject) })).toBeVisible();
}

/** Dispatches a drop of real files, as the browser does when files are dragged in. */
async function dropFiles(page: Page, target: Locator, paths: string[]): Promise<void> {
	const files = paths.map((path) => ({ name: path.split('/').pop() ?? path, bytes: [...readFileSync(path)] }));
	const dataTransfer = await page.evaluateHandle((items) => {
		const transfer = new DataTransfer();
		for (const item of items) transfer.items.add(new File([new Uint8Array(item.bytes)], item.name, { type: 'message/rfc822' }));
		return transfer;
	}, files);
	await target.dispatchEvent('drop', { dataTransfer });
}

/** Sets up S/MIME on the admin page: CA chain and alice's certificate, bob's certificate and key, the Support group. */
async function setUpSmime(page: Page): Promise<void> {
	await page.goto('/admin/smime');
	const toggle = page.getByRole('switch', { name: 'S/MIME integration' });
	await expect(toggle).toHaveAttribute('aria-checked', 'false');
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-checked', 'true');

	await page.getByRole('button', { name: 'Add Certificate', exact: true }).click();
	const certs = page.getByRole('dialog', { name: 'Add Certificate' });
	await certs.getByLabel('Choose files').setInputFiles([pki('chain.pem'), pki('alice.pem'), pki('bob.pem')]);
	await expect(certs.getByTestId('import-result').filter({ hasText: 'bob.pem' })).toContainText('bob@sealdesk.test');
	await expect(certs.getByTestId('import-result').filter({ hasText: 'alice.pem' })).toContainText('alice@sealdesk.test');
	await certs.getByRole('button', { name: 'Close' }).click();

	await page.getByRole('button', { name: 'Add Private Key', exact: true }).click();
	const keys = page.getByRole('dialog', { name: 'Add Private Key' });
	await keys.getByLabel('Choose files').setInputFiles(pki('bob.key'));
	await expect(keys.getByTestId('import-result').filter({ hasText: 'bob.key' })).toContainText('Imported the private key of bob@sealdesk.test.');
	await keys.getByRole('button', { name: 'Close' }).click();

	const groupForm = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create group' }) });
	await groupForm.getByLabel('Name', { exact: true }).fill('Support');
	await groupForm.getByLabel('Sender email').fill('bob@sealdesk.test');
	await groupForm.getByRole('button', { name: 'Create group' }).click();
	await expect(page.getByRole('button', { name: 'Delete group' })).toBeVisible();
}

test('the agent walk, offline: import before S/MIME, set it up, Retry, reply signed and encrypted, see Encrypt refused without a certificate', async ({
	page,
	context
}) => {
	test.setTimeout(120_000);
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.goto('/');
	await waitForServiceWorker(page);
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('offline-indicator')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Get started in three steps' })).toBeVisible();

	// 1. Before S/MIME is set up: one mail dropped, one picked; neither is verified.
	await dropFiles(page, page.getByText('Drop .eml files here, or').locator('..'), [mails.signed]);
	await page.getByLabel('Choose .eml files').setInputFiles([mails.encrypted]);
	const results = page.getByRole('status', { name: 'Mail import results' });
	await expect(results).toContainText('printer.eml: imported "Printer broken" into ticket #');
	await expect(results).toContainText('invoice.eml: imported "Invoice question" into ticket #');
	await expect(ticketRow(page, 'Printer broken')).toContainText('Signed');
	await expect(ticketRow(page, 'Printer broken')).toContainText('alice@sealdesk.test');
	await expect(ticketRow(page, 'Invoice question')).toContainText('Encrypted');

	await openTicket(page, 'Printer broken');
	await expect(banner(article(page, 0))).toContainText('S/MIME not checked: not verified or decrypted');
	await expect(banner(article(page, 0))).toContainText('S/MIME is turned off, so the message was not verified.');
	await expect(page.getByRole('main')).not.toContainText('(verified)');
	await openTicket(page, 'Invoice question');
	await expect(banner(article(page, 0))).toContainText('S/MIME not checked');
	await expect(page.getByRole('main')).not.toContainText('(verified)');
	await expect(page.getByRole('main')).not.toContainText('My invoice number is 4711.');

	// 2. Add the certificates and the key, press Retry: verified and decrypted.
	await setUpSmime(page);
	await openTicket(page, 'Printer broken');
	await article(page, 0).getByRole('button', { name: 'Retry' }).click();
	await expect(banner(article(page, 0))).toContainText('Signed by alice@sealdesk.test (verified)');
	await expect(article(page, 0).getByRole('button', { name: 'Retry' })).toHaveCount(0);
	await expect(article(page, 0)).toContainText('Hello, my printer is broken.');
	await openTicket(page, 'Invoice question');
	await article(page, 0).getByRole('button', { name: 'Retry' }).click();
	await expect(banner(article(page, 0))).toContainText('Encrypted');
	await expect(banner(article(page, 0))).toContainText('Signed by alice@sealdesk.test (verified)');
	await expect(article(page, 0)).toContainText('My invoice number is 4711.');
	await banner(article(page, 0)).getByText('Security details').click();
	await expect(banner(article(page, 0))).toContainText('AES-256-CBC');

	// 3. Reply with Sign and Encrypt on; the .eml decrypts and verifies with openssl.
	await page.getByRole('button', { name: 'Reply', exact: true }).click();
	const reply = page.getByRole('region', { name: 'Reply' });
	await expect(reply.getByLabel('From')).toContainText('Support <bob@sealdesk.test>');
	await expect(reply.getByLabel('To', { exact: true })).toHaveValue('alice@sealdesk.test');
	await expect(reply.getByLabel('Subject')).toHaveValue('Re: Invoice question');
	const encrypt = reply.getByRole('button', { name: 'Encrypt', exact: true });
	const sign = reply.getByRole('button', { name: 'Sign', exact: true });
	await expect(encrypt).toHaveAttribute('aria-pressed', 'true');
	await expect(sign).toHaveAttribute('aria-pressed', 'true');
	await reply.getByLabel('Text').fill('Thanks, we found invoice 4711.');
	await reply.getByLabel('Attachments').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Receipt 4711\n') });
	await reply.getByRole('button', { name: 'Send' }).click();
	await expect(reply.getByRole('status')).toContainText('Sent. The message was signed and encrypted with AES-256');
	const downloading = page.waitForEvent('download');
	await reply.getByRole('button', { name: 'Download .eml' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe('Re-Invoice-question.eml');
	const sentPath = join(work, 'sent.eml');
	await download.saveAs(sentPath);
	const sent = readFileSync(sentPath);

	await reply.getByRole('button', { name: 'Copy to clipboard' }).click();
	await expect(reply.getByRole('status')).toContainText('The message was copied to the clipboard.');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(sent.toString('latin1'));

	const decrypted = openssl(['cms', '-decrypt', '-recip', pki('alice.pem'), '-inkey', pki('alice.key'), '-in', sentPath]);
	const signedPath = join(work, 'sent-signed.eml');
	writeFileSync(signedPath, decrypted);
	const verified = openssl(['cms', '-verify', '-CAfile', pki('root-ca.pem'), '-in', signedPath]).toString('latin1');
	expect(verified).toContain('Thanks, we found invoice 4711.');
	expect(verified).toContain('receipt.txt');
	expect(sent.toString('latin1')).toMatch(/^In-Reply-To: <invoice@customer\.test>/im);

	// The reply is stored on the ticket as an outgoing article.
	await expect(page.getByRole('article')).toHaveCount(2);
	await expect(article(page, 1)).toContainText('Sent: Re: Invoice question');
	await expect(banner(article(page, 1))).toContainText('Signed by bob@sealdesk.test (verified)');
	await expect(banner(article(page, 1))).toContainText('Encrypted');

	// 4. No certificate for a recipient: Encrypt is disabled, with the reason beside it and as tooltip.
	// (After Send the form closed, issue 19: a new draft starts from the reply's defaults.)
	await reply.getByRole('button', { name: 'Write another message' }).click();
	await expect(reply.getByLabel('To', { exact: true })).toBeFocused();
	await reply.getByLabel('To', { exact: true }).fill('alice@sealdesk.test, nobody@sealdesk.test');
	await expect(encrypt).toBeDisabled();
	await expect(encrypt).toHaveAttribute('aria-pressed', 'false');
	const reason = reply.locator(`#${(await encrypt.getAttribute('aria-describedby')) ?? ''}`);
	await expect(reason).toContainText('nobody@sealdesk.test');
	expect(await encrypt.getAttribute('title')).toBe(await reason.textContent());
	await expect(sign).toBeEnabled();
	// Re-checked as recipients are typed: back to a recipient with a certificate.
	await reply.getByLabel('To', { exact: true }).fill('alice@sealdesk.test');
	await expect(encrypt).toBeEnabled();
});

test('pasted and dropped mail threads by In-Reply-To; HTML is shown only in a sandbox without network or script', async ({ page }) => {
	test.setTimeout(90_000);
	await page.goto('/');
	const first = [
		'From: Carol <carol@customer.test>',
		'To: support@sealdesk.test',
		'Subject: Login fails',
		'Message-ID: <login-1@customer.test>',
		'Date: Tue, 3 Mar 2026 10:00:00 +0000',
		'Content-Type: text/plain; charset=utf-8',
		'',
		'I cannot log in.',
		''
	].join('\n');
	await page.getByLabel('Paste a raw message').fill(first);
	await page.getByRole('button', { name: 'Import pasted message' }).click();
	await expect(page.getByRole('status', { name: 'Mail import results' })).toContainText('Pasted message: imported "Login fails"');

	const followUp = join(work, 'followup.eml');
	writeFileSync(
		followUp,
		[
			'From: Carol <carol@customer.test>',
			'To: support@sealdesk.test',
			'Cc: Dan <dan@customer.test>',
			'Subject: Re: Login fails',
			'Message-ID: <login-2@customer.test>',
			'In-Reply-To: <login-1@customer.test>',
			'References: <login-1@customer.test>',
			'Date: Tue, 3 Mar 2026 11:00:00 +0000',
			'Content-Type: text/html; charset=utf-8',
			'',
			'<p id="x">Still <b>broken</b>.</p><img src="https://tracker.example/pixel.png" alt=""><script>document.title="pwned"</script>',
			''
		].join('\r\n')
	);
	await dropFiles(page, page.getByText('Drop .eml files here, or').locator('..'), [followUp]);
	await expect(page.getByRole('status', { name: 'Mail import results' })).toContainText('followup.eml: imported "Re: Login fails"');
	await expect(page.getByRole('row')).toHaveCount(2);
	await expect(ticketRow(page, 'Login fails')).toContainText('2 articles');
	await expect(ticketRow(page, 'Login fails')).toContainText('Plain');

	await openTicket(page, 'Login fails');
	await expect(page.getByRole('article')).toHaveCount(2);
	await expect(article(page, 0)).toContainText('I cannot log in.');
	await expect(article(page, 1)).toContainText('Dan <dan@customer.test>');
	const frame = article(page, 1).locator('iframe');
	// No allow-scripts: allow-same-origin only lets this page guard the message's links (issue 16).
	await expect(frame).toHaveAttribute('sandbox', 'allow-same-origin');
	expect(await frame.getAttribute('srcdoc')).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"`);
	await expect(page.frameLocator('iframe').locator('#x')).toHaveText('Still broken.');
	await expect(page).toHaveTitle('Ticket · Sealdesk');
	// The fixture fails the test if the tracker image (another origin) was requested.
});

test('the tickets pages pass axe in light and dark', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/');
	await page.getByLabel('Paste a raw message').fill('From: erin@customer.test\nTo: support@sealdesk.test\nSubject: Axe\nMessage-ID: <axe@customer.test>\n\nHello.\n');
	await page.getByRole('button', { name: 'Import pasted message' }).click();
	await expect(page.getByRole('status', { name: 'Mail import results' })).toContainText('imported "Axe"');
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.goto('/');
		await expect(ticketRow(page, 'Axe')).toBeVisible();
		await page.getByRole('button', { name: 'New ticket' }).click();
		await expect(page.getByRole('region', { name: 'New ticket' })).toBeVisible();
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
		await ticketRow(page, 'Axe').getByRole('link', { name: 'Axe' }).click();
		await page.getByRole('button', { name: 'Reply', exact: true }).click();
		await expect(page.getByRole('button', { name: 'Encrypt', exact: true })).toBeDisabled();
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	}
});

/** Resolves with the longest gap (ms) between timer ticks on the page until `text` appears in it. */
function worstLagUntil(page: Page, text: string): Promise<number> {
	return page.evaluate(
		(wanted) =>
			new Promise<number>((resolve) => {
				let last = performance.now();
				let worst = 0;
				const tick = (): void => {
					const now = performance.now();
					worst = Math.max(worst, now - last);
					last = now;
					if (document.body.textContent.includes(wanted)) resolve(worst);
					else setTimeout(tick, 10);
				};
				setTimeout(tick, 10);
			}),
		text
	);
}

test('large mail: progress is shown while a big attachment is decrypted or encrypted, and the page stays responsive', async ({ page }) => {
	test.setTimeout(180_000);
	const bigBody = join(work, 'big-body.eml');
	const blob = Buffer.alloc(6 * 1024 * 1024, 'A');
	writeFileSync(
		bigBody,
		Buffer.concat([
			Buffer.from('Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe log is attached.\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.log"\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
			Buffer.from(blob.toString('base64').replace(/.{76}/g, '$&\r\n')),
			Buffer.from('\r\n--b1--\r\n')
		])
	);
	const bigMail = join(work, 'big.eml');
	const encrypted = openssl([
		'cms', '-encrypt', '-binary', '-in', bigBody, '-aes256', '-recip', pki('bob.pem'), '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256',
		'-from', 'alice@sealdesk.test', '-to', 'bob@sealdesk.test', '-subject', 'Big log'
	]);
	writeFileSync(bigMail, withIds(encrypted, 'big@customer.test'));

	await setUpSmime(page);
	await page.goto('/');
	const lag = worstLagUntil(page, 'big.eml: imported');
	await page.getByLabel('Choose .eml files').setInputFiles(bigMail);
	await expect(page.getByRole('progressbar', { name: 'Importing big.eml' })).toBeVisible();
	expect(await lag).toBeLessThan(1500);
	await openTicket(page, 'Big log');
	await expect(banner(article(page, 0))).toContainText('Encrypted');
	await expect(article(page, 0).getByRole('button', { name: 'Download big.log' })).toBeVisible();
	await expect(article(page, 0)).toContainText('6.0 MB');
	// The decrypted attachment comes back whole (stored as a Blob, moved from the worker to the page).
	const downloadingBig = page.waitForEvent('download');
	await article(page, 0).getByRole('button', { name: 'Download big.log' }).click();
	const bigPath = join(work, 'big.log');
	await (await downloadingBig).saveAs(bigPath);
	expect(readFileSync(bigPath).equals(blob)).toBe(true);

	await page.goto('/');
	await page.getByRole('button', { name: 'New ticket' }).click();
	const composer = page.getByRole('region', { name: 'New ticket' });
	await composer.getByLabel('To', { exact: true }).fill('alice@sealdesk.test');
	await composer.getByLabel('Subject').fill('Your big file');
	await expect(composer.getByRole('button', { name: 'Encrypt', exact: true })).toHaveAttribute('aria-pressed', 'true');
	await composer.getByLabel('Attachments').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 * 1024 * 1024, 7) });
	const sendLag = worstLagUntil(page, 'Sent.');
	await composer.getByRole('button', { name: 'Send' }).click();
	await expect(composer.getByRole('progressbar', { name: 'Building the message' })).toBeVisible();
	await expect(composer.getByRole('status')).toContainText('Signing and encrypting the message (6.0 MB)');
	await expect(composer.getByRole('status')).toContainText('Sent. The message was signed and encrypted', { timeout: 60_000 });
	expect(await sendLag).toBeLessThan(1500);
});
