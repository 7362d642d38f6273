/**
 * Issue 15 in the browser: an untrusted signer named, with "Trust this certificate…"; a partly
 * signed mailing-list message; an attached signed message with its own verdict. The mails are
 * made here by openssl from the shared test PKI (tests/fixtures/pki) and a self-signed
 * certificate made for the test.
 */
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const PKI = fileURLToPath(new URL('../fixtures/pki/', import.meta.url));
const pki = (name: string): string => join(PKI, name);
const work = mkdtempSync(join(tmpdir(), 'sealdesk-reading-'));

function openssl(args: string[]): Buffer {
	return execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
}

function file(name: string, data: string | Buffer): string {
	const path = join(work, name);
	writeFileSync(path, data);
	return path;
}

/** An entity signed by openssl cms (detached), as text. */
function signed(signer: string, key: string, body: string, extra: string[] = []): string {
	return openssl(['cms', '-sign', '-in', file(`body-${String(Math.random()).slice(2)}.txt`, body), '-signer', signer, '-inkey', key, ...extra]).toString('latin1');
}

/** Top-level headers dated now (a signature's signingTime is then within the hour of Date). */
function headers(from: string, subject: string, id: string): string {
	return `From: ${from}\r\nTo: bob@sealdesk.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}@reading.test>\r\nDate: ${new Date().toUTCString()}\r\n`;
}

const text = (words: string): string => `Content-Type: text/plain; charset=utf-8\r\n\r\n${words}\r\n`;

// A self-signed e-mail certificate, which chains to nothing the desk imports.
const selfKey = join(work, 'selfie.key');
const selfCert = join(work, 'selfie.pem');
openssl([
	'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', selfKey, '-out', selfCert, '-days', '3650', '-subj', '/O=Self/CN=selfie/emailAddress=selfie@self.test',
	'-addext', 'subjectAltName=email:selfie@self.test', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=emailProtection',
	'-addext', 'basicConstraints=critical,CA:FALSE'
]);
const fingerprint = (md: string): string => /=([0-9A-F:]+)/.exec(openssl(['x509', '-in', selfCert, '-noout', '-fingerprint', `-${md}`]).toString())?.[1] ?? '';

const mails = {
	selfSigned: file('selfie.eml', headers('selfie@self.test', 'Self-signed hello', 'selfie') + signed(selfCert, selfKey, text('Hello from a self-signed certificate.'))),
	partly: file(
		'list.eml',
		headers('Alice <alice@sealdesk.test>', 'List post', 'list') +
			'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="list-b"\r\n\r\n' +
			`--list-b\r\n${signed(pki('alice.pem'), pki('alice.key'), text('The meeting is at noon.'), ['-certfile', pki('inter-ca.pem')])}\r\n` +
			`--list-b\r\n${text('-- \r\nTo unsubscribe, write to list@lists.test')}\r\n--list-b--\r\n`
	),
	attached: file(
		'forward.eml',
		headers('Carol <carol@sealdesk.test>', 'Fwd: Signed original', 'forward') +
			'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="fw-b"\r\n\r\n' +
			`--fw-b\r\n${text('Forwarding what alice sent.')}\r\n` +
			`--fw-b\r\nContent-Type: message/rfc822\r\n\r\n${headers('Alice <alice@sealdesk.test>', 'Signed original', 'original')}${signed(pki('alice.pem'), pki('alice.key'), text('Signed by alice, inside.'), ['-certfile', pki('inter-ca.pem')])}\r\n--fw-b--\r\n`
	)
};

const article = (page: Page): Locator => page.getByRole('article').first();
const banner = (scope: Locator): Locator => scope.getByRole('region', { name: /^Security of article #\d+$/ });

async function enableWithRoot(page: Page): Promise<void> {
	await page.goto('/admin/smime');
	const toggle = page.getByRole('switch', { name: 'S/MIME integration' });
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-checked', 'true');
	await page.getByRole('button', { name: 'Add Certificate', exact: true }).click();
	const certs = page.getByRole('dialog', { name: 'Add Certificate' });
	await certs.getByLabel('Choose files').setInputFiles([pki('root-ca.pem')]);
	await expect(certs.getByTestId('import-result').filter({ hasText: 'root-ca.pem' })).toBeVisible();
	await certs.getByRole('button', { name: 'Close' }).click();
}

async function importAndOpen(page: Page, path: string, subject: string): Promise<void> {
	await page.goto('/');
	await page.getByLabel('Choose .eml files').setInputFiles([path]);
	await expect(page.getByRole('status', { name: 'Mail import results' })).toContainText(`imported "${subject}"`);
	const row = page.getByRole('row').filter({ hasText: subject });
	await row.getByRole('link', { name: subject }).click();
	await expect(page.getByRole('heading', { level: 2, name: new RegExp(subject) })).toBeVisible();
}

test('an untrusted signer is named, and "Trust this certificate…" imports it after confirmation', async ({ page }) => {
	test.setTimeout(90_000);
	await enableWithRoot(page);
	await importAndOpen(page, mails.selfSigned, 'Self-signed hello');
	await expect(banner(article(page))).toContainText('Signed by selfie@self.test (untrusted certificate)');
	await expect(banner(article(page))).toContainText('Its certificate is self-signed, and no imported certificate vouches for it.');

	await article(page).getByRole('button', { name: 'Trust this certificate…' }).click();
	const dialog = page.getByRole('dialog', { name: 'Trust this certificate?' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('/O=Self/CN=selfie/emailAddress=selfie@self.test');
	await expect(dialog).toContainText('selfie@self.test');
	await expect(dialog.getByTestId('trust-sha256')).toHaveText(fingerprint('sha256'));
	await expect(dialog.getByTestId('trust-sha1')).toHaveText(fingerprint('sha1'));
	await expect(dialog).toContainText('Self-signed');
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	// At phone width the dialog fits and nothing scrolls sideways (issue 19).
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	const phoneBox = await dialog.boundingBox();
	expect(phoneBox && phoneBox.x >= 0 && phoneBox.x + phoneBox.width <= 390).toBe(true);
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	await page.setViewportSize({ width: 1280, height: 720 });

	// Cancel imports nothing.
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(banner(article(page))).toContainText('(untrusted certificate)');

	await article(page).getByRole('button', { name: 'Trust this certificate…' }).click();
	await dialog.getByRole('button', { name: 'Trust and check again' }).click();
	await expect(banner(article(page))).toContainText('Signed by selfie@self.test (verified)');
	await expect(page.getByRole('status').filter({ hasText: 'Certificate trusted' })).toContainText('verified as signed by selfie@self.test');
	await expect(article(page).getByRole('button', { name: 'Trust this certificate…' })).toHaveCount(0);

	await page.goto('/admin/smime');
	await expect(page.getByTestId('certificate-row').filter({ hasText: 'selfie@self.test' })).toBeVisible();
	// Logged like any admin import, in Recent Logs.
	await expect(page.getByRole('main')).toContainText('"signer certificate of article');
});

test('"Trust this certificate…" is not offered while S/MIME is off', async ({ page }) => {
	await enableWithRoot(page);
	await importAndOpen(page, mails.selfSigned, 'Self-signed hello');
	await expect(article(page).getByRole('button', { name: 'Trust this certificate…' })).toBeVisible();
	await page.goto('/admin/smime');
	await page.getByRole('switch', { name: 'S/MIME integration' }).click();
	await expect(page.getByRole('switch', { name: 'S/MIME integration' })).toHaveAttribute('aria-checked', 'false');
	await page.goBack();
	await expect(banner(article(page))).toContainText('(untrusted certificate)');
	await expect(article(page).getByRole('button', { name: 'Trust this certificate…' })).toHaveCount(0);
});

test('a partly signed list post: the signed part is set apart and the rest is not presented as signed', async ({ page }) => {
	await enableWithRoot(page);
	await importAndOpen(page, mails.partly, 'List post');
	const a = article(page);
	await expect(banner(a)).toContainText('Part of this message is signed by alice@sealdesk.test (verified); the rest is not');
	await expect(banner(a)).not.toContainText('Signed by alice@sealdesk.test (verified)');
	const part = a.getByRole('region', { name: 'Signed part' });
	await expect(part).toContainText('The meeting is at noon.');
	await expect(part).not.toContainText('unsubscribe');
	await expect(part.getByRole('list', { name: 'Security of this signed part' })).toContainText('Signed by alice@sealdesk.test (verified)');
	await expect(a.locator('pre.body').first()).toContainText('To unsubscribe');
	await expect(a.locator('pre.body').first()).not.toContainText('The meeting is at noon.');
	await expect(a.getByRole('button', { name: /Download smime\.p7s/ })).toHaveCount(0);
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('an attached signed message is shown under the body with its own verdict; its .eml still downloads', async ({ page }) => {
	await enableWithRoot(page);
	await importAndOpen(page, mails.attached, 'Fwd: Signed original');
	const a = article(page);
	await expect(a.locator('pre.body').first()).toContainText('Forwarding what alice sent.');
	// The outer message is plain: no banner of its own, and nothing of the inner verdict in it.
	await expect(banner(a)).toHaveCount(0);
	const inner = a.getByRole('region', { name: 'Attached message: Signed original' });
	await expect(inner).toContainText('Alice <alice@sealdesk.test>');
	await expect(inner).toContainText('Signed by alice, inside.');
	await expect(inner.getByRole('list', { name: 'Security of this attached message' })).toContainText('Signed by alice@sealdesk.test (verified)');
	const download = page.waitForEvent('download');
	await a.getByRole('button', { name: /^Download .*\.eml$/ }).first().click();
	expect((await download).suggestedFilename()).toMatch(/\.eml$/);
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
