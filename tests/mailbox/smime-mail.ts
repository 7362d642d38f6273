// Test mail made by openssl with the test PKI (no desk, no IndexedDB: the browser tests use it
// too): plain, signed by alice, encrypted to bob, and both, with CRLF line ends as on the wire;
// and openssl's verdict on a reply to alice.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The test PKI folder. */
export const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;

/** The kinds of mail a helpdesk gets. */
export type MailKind = 'plain' | 'signed' | 'encrypted' | 'signed+encrypted';

function crlf(text: string): string {
	return text.replace(/\r?\n/g, '\r\n');
}

/** One mail from alice@sealdesk.test to bob@sealdesk.test of the given kind, with this Message-ID (no brackets). */
export function aliceToBob(kind: MailKind, messageId: string, body = 'Hello Bob, this is Alice.'): string {
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-mail-'));
	const headers = `From: alice@sealdesk.test\nTo: bob@sealdesk.test\nSubject: ${kind} mail\nMessage-ID: <${messageId}>\nDate: ${new Date().toUTCString()}\n`;
	const content = join(dir, 'content.txt');
	writeFileSync(content, crlf(`Content-Type: text/plain; charset=utf-8\n\n${body}\n`));
	let entity = content;
	if (kind === 'signed' || kind === 'signed+encrypted') {
		const out = join(dir, 'signed.eml');
		execFileSync('openssl', ['cms', '-sign', '-in', entity, '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-md', 'sha256', '-out', out]);
		entity = out;
	}
	if (kind === 'encrypted' || kind === 'signed+encrypted') {
		const out = join(dir, 'encrypted.eml');
		execFileSync('openssl', ['cms', '-encrypt', '-in', entity, '-aes-256-cbc', '-out', out, join(PKI, 'bob.pem')]);
		entity = out;
	}
	let part = readFileSync(entity, 'latin1');
	if (entity !== content) part = part.replace(/^MIME-Version: 1.0\r?\n/m, '');
	return crlf(`${headers}MIME-Version: 1.0\n${part.replace(/\r\n/g, '\n')}`);
}

/** The openssl verdict on a message for alice: decrypts with her key, then verifies the signature against the test CA. */
export function opensslDecryptVerify(raw: Uint8Array): string {
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-check-'));
	const input = join(dir, 'in.eml');
	writeFileSync(input, raw);
	const decrypted = join(dir, 'dec.eml');
	execFileSync('openssl', ['cms', '-decrypt', '-in', input, '-recip', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-out', decrypted]);
	return execFileSync('openssl', ['cms', '-verify', '-in', decrypted, '-CAfile', join(PKI, 'chain.pem'), '-purpose', 'any'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
}
