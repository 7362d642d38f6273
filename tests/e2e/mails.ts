/**
 * Test mails for the daily-use browser tests (issue 19), made by openssl from the shared test
 * PKI (tests/fixtures/pki): one mail per security verdict the tickets list shows. Bob
 * (bob@sealdesk.test) is the desk's own address and holds the key; alice is the customer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKI = fileURLToPath(new URL('../fixtures/pki/', import.meta.url));
/** A file of the test PKI. */
export const pki = (name: string): string => join(PKI, name);
const work = mkdtempSync(join(tmpdir(), 'sealdesk-daily-'));
let counter = 0;

function openssl(args: string[]): Buffer {
	return execFileSync('openssl', args, { maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

function file(content: string | Buffer): string {
	const path = join(work, `f${String(counter++)}`);
	writeFileSync(path, content);
	return path;
}

/** A whole mail: headers in front of an entity. */
export function mail(o: { from?: string; to?: string; subject: string; id?: string; inReplyTo?: string; date?: string }, entity: string | Buffer): string {
	const head = [
		`From: ${o.from ?? 'Alice <alice@sealdesk.test>'}`,
		`To: ${o.to ?? 'bob@sealdesk.test'}`,
		`Subject: ${o.subject}`,
		`Message-ID: <${o.id ?? `m${String(counter++)}.${String(Date.now())}@customer.test`}>`,
		...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
		`Date: ${o.date ?? new Date().toUTCString()}`
	].join('\r\n');
	return `${head}\r\n${typeof entity === 'string' ? entity : entity.toString('latin1')}`;
}

/** A text/plain entity. */
export function text(body: string): string {
	return `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

function sign(signer: string, entity: string): string {
	return openssl(['cms', '-sign', '-in', file(entity), '-signer', pki(`${signer}.pem`), '-inkey', pki(`${signer}.key`), '-certfile', pki('inter-ca.pem'), '-md', 'sha256']).toString('latin1');
}

/** Signed by a self-signed certificate of stranger@customer.test that chains to nothing the desk trusts. */
function signAsStranger(entity: string): string {
	const key = join(work, 'stranger.key');
	const cert = join(work, 'stranger.pem');
	openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=stranger/emailAddress=stranger@customer.test', '-addext', 'subjectAltName=email:stranger@customer.test']);
	return openssl(['cms', '-sign', '-in', file(entity), '-signer', cert, '-inkey', key, '-md', 'sha256']).toString('latin1');
}

function encrypt(recipient: string, entity: string): string {
	return openssl(['cms', '-encrypt', '-in', file(entity), '-aes256', '-recip', pki(`${recipient}.pem`)]).toString('latin1');
}

/** The PEM text the desk needs: the CA chain and alice's certificate, bob's certificate with his key. */
export function deskPki(): { chain: string; alice: string; bobWithKey: string } {
	return {
		chain: readFileSync(pki('chain.pem'), 'utf8'),
		alice: readFileSync(pki('alice.pem'), 'utf8'),
		bobWithKey: readFileSync(pki('bob.pem'), 'utf8') + readFileSync(pki('bob.key'), 'utf8')
	};
}

/** One mail per verdict, by the verdict id the list shows, with the subject of its ticket. */
export function verdictMails(): { verdict: string; subject: string; raw: string }[] {
	const valid = sign('alice', text('Hello, my printer is broken.'));
	const tampered = valid.replace('my printer is broken', 'my printer is BROKEN');
	const encryptedBody = encrypt('bob', text('My invoice number is 4711.'));
	// Content encrypted with Camellia, which no S/MIME agent is asked to read: the desk cannot decrypt it.
	const broken = openssl(['cms', '-encrypt', '-in', file(text('Camellia.')), '-camellia256', '-recip', pki('bob.pem')]).toString('latin1');
	return [
		{ verdict: 'valid', subject: 'Verdict valid', raw: mail({ subject: 'Verdict valid' }, valid) },
		{ verdict: 'invalid', subject: 'Verdict invalid', raw: mail({ subject: 'Verdict invalid' }, tampered) },
		{ verdict: 'untrusted', subject: 'Verdict untrusted', raw: mail({ from: 'Stranger <stranger@customer.test>', subject: 'Verdict untrusted' }, signAsStranger(text('Untrusted hello.'))) },
		{ verdict: 'expired', subject: 'Verdict expired', raw: mail({ from: 'expired@sealdesk.test', subject: 'Verdict expired' }, sign('expired', text('Expired hello.'))) },
		{ verdict: 'sender-mismatch', subject: 'Verdict mismatch', raw: mail({ from: 'Mallory <mallory@sealdesk.test>', subject: 'Verdict mismatch' }, valid) },
		{ verdict: 'decrypted', subject: 'Verdict decrypted', raw: mail({ subject: 'Verdict decrypted' }, encryptedBody) },
		{ verdict: 'no-key', subject: 'Verdict no key', raw: mail({ subject: 'Verdict no key', to: 'carol@sealdesk.test' }, encrypt('carol', text('For carol only.'))) },
		{ verdict: 'failed', subject: 'Verdict failed', raw: mail({ subject: 'Verdict failed' }, broken) }
	];
}

/** A self-signed S/MIME certificate (PEM) for `email` that is valid for `days` more days from now. */
export function shortLivedCertificate(email: string, days: number): string {
	const key = join(work, `${email}.key`);
	const cert = join(work, `${email}.pem`);
	openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${email}/emailAddress=${email}`, '-addext', `subjectAltName=email:${email}`, '-addext', 'extendedKeyUsage=emailProtection']);
	return readFileSync(cert, 'utf8');
}
