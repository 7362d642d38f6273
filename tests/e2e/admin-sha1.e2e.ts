/**
 * Issue 15, point 2, in the browser: the "Accept SHA-1 signatures" switch on /admin/smime is off
 * by default, is logged in Recent Logs when turned on, survives a reload, and changes what a
 * retried SHA-1 mail reads as (invalid, then valid with the weak-algorithm warning).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { callDesk } from './remote';

const pki = (name: string): string => fileURLToPath(new URL(`../fixtures/pki/${name}`, import.meta.url));

const call = callDesk;

/** A mail alice signed with SHA-1 through openssl, dated now (the signing time must match the Date header). */
function sha1Mail(): string {
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-sha1-'));
	writeFileSync(join(dir, 'body.txt'), 'Content-Type: text/plain\r\n\r\nSigned with SHA-1.\r\n');
	const signed = execFileSync(
		'openssl',
		['cms', '-sign', '-md', 'sha1', '-in', join(dir, 'body.txt'), '-signer', pki('alice.pem'), '-inkey', pki('alice.key'), '-certfile', pki('inter-ca.pem'), '-from', 'alice@sealdesk.test', '-to', 'support@sealdesk.test', '-subject', 'Old client'],
		{ encoding: 'utf8' }
	);
	return `Message-ID: <sha1-e2e@sealdesk.test>\r\nDate: ${new Date().toUTCString()}\r\n${signed.replace(/\r?\n/g, '\r\n')}`;
}

test('the "Accept SHA-1 signatures" switch: off by default, logged, kept after a reload, and honoured by Retry', async ({ page }) => {
	await page.goto('/admin/smime');
	const smime = page.getByRole('switch', { name: 'S/MIME integration' });
	await smime.click();
	await expect(smime).toHaveAttribute('aria-checked', 'true');
	await call(page, 'importFile', { name: 'root-ca.pem', data: readFileSync(pki('root-ca.pem'), 'utf8') });

	const sha1 = page.getByRole('switch', { name: 'Accept SHA-1 signatures' });
	await expect(sha1).toHaveAttribute('aria-checked', 'false');
	const article = await call(page, 'receive', sha1Mail());
	expect(article.security.sign.status).toBe('invalid');
	expect(article.security.sign.comment).toContain('SHA-1');

	await sha1.click();
	await expect(sha1).toHaveAttribute('aria-checked', 'true');
	await expect(page.getByText('SHA-1 signatures are accepted, with a warning.', { exact: false })).toBeVisible();
	await expect(page.getByTestId('log-row').first()).toContainText('Accept SHA-1 signatures: on');
	await page.reload();
	await expect(page.getByRole('switch', { name: 'Accept SHA-1 signatures' })).toHaveAttribute('aria-checked', 'true');
	expect((await call(page, 'settings')).acceptSha1Signatures).toBe(true);

	const retried = await call(page, 'retry', article.id);
	expect(retried.security.sign.status).toBe('valid');
	expect(retried.security.sign.comment).toContain('The signature uses SHA-1, a weak algorithm.');

	await page.getByRole('switch', { name: 'Accept SHA-1 signatures' }).click();
	await expect(page.getByRole('switch', { name: 'Accept SHA-1 signatures' })).toHaveAttribute('aria-checked', 'false');
	await expect(page.getByTestId('log-row').first()).toContainText('Accept SHA-1 signatures: off');
	expect((await call(page, 'retry', article.id)).security.sign.status).toBe('invalid');
});
