/**
 * The valid inputs the fuzzers mutate: mails made by openssl (detached and opaque
 * signatures, encryption to RSA and EC recipients, sign then encrypt), a plain multipart
 * mail from our builder, and the shared test PKI's certificates and keys in several forms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentEntity, message } from '../mime/build-helpers';
import { cms, content, encryptTo, signAs, withHeaders } from '../smime/mail';
import { PKI } from '../smime/helpers';

const IMPORT = new URL('../fixtures/import/', import.meta.url).pathname;

/** A named seed input. */
export interface Seed {
	name: string;
	data: Uint8Array;
}

let mails: Seed[] | null = null;

/** Valid mails (memoised: openssl runs once per test file). */
export function seedMails(): Seed[] {
	if (mails) return mails;
	const signed = cms(signAs('alice'), content('detached'));
	const opaque = cms([...signAs('carol'), '-nodetach'], content('opaque'));
	const toBob = cms([...encryptTo('bob'), '-aes256'], content('to bob'));
	const toCarol = cms([...encryptTo('carol'), '-aes128'], content('to carol'));
	const signedThenEncrypted = cms([...encryptTo('bob'), '-aes256'], signed);
	const plain = message({
		from: { address: 'alice@sealdesk.test', name: 'Alice' },
		to: [{ address: 'bob@sealdesk.test' }],
		subject: 'Plain with an attachment',
		date: new Date('2026-11-29T04:00:00Z'),
		messageId: 'plain.1@sealdesk.test',
		body: contentEntity({ text: 'Hello\r\nwith an attachment', attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', data: new Uint8Array(600).map((_, i) => i % 251) }] })
	});
	mails = [
		{ name: 'detached signature (alice, RSA)', data: withHeaders(signed) },
		{ name: 'opaque signature (carol, EC)', data: withHeaders(opaque) },
		{ name: 'encrypted to bob (RSA, AES-256-CBC)', data: withHeaders(toBob) },
		{ name: 'encrypted to carol (ECDH, AES-128-CBC)', data: withHeaders(toCarol) },
		{ name: 'signed then encrypted', data: withHeaders(signedThenEncrypted) },
		{ name: 'plain multipart with attachment', data: plain }
	];
	return mails;
}

/** The DER inside the first base64 body of a mail. */
export function derOf(mail: Uint8Array): Uint8Array {
	const text = new TextDecoder('latin1').decode(mail);
	const match = /(?:[A-Za-z0-9+/=]{40,}\r?\n)+[A-Za-z0-9+/=]*/.exec(text);
	if (!match) throw new Error('No base64 body.');
	return new Uint8Array(Buffer.from(match[0].replace(/\s+/g, ''), 'base64'));
}

/** Certificate and key inputs for the reader: PEM, DER, bundles, PKCS#8, encrypted keys, PKCS#12. */
export function seedKeyFiles(): (Seed & { passphrase?: string })[] {
	const pem = (n: string): string => readFileSync(join(PKI, n), 'utf8');
	const bin = (n: string): Uint8Array => new Uint8Array(readFileSync(join(IMPORT, n)));
	const enc = new TextEncoder();
	return [
		{ name: 'alice.pem', data: enc.encode(pem('alice.pem')) },
		{ name: 'alice cert + key', data: enc.encode(pem('alice.pem') + pem('alice.key')) },
		{ name: 'carol cert + EC key', data: enc.encode(pem('carol.pem') + pem('carol.key')) },
		{ name: 'chain.pem', data: enc.encode(pem('chain.pem')) },
		{ name: 'bob.der', data: bin('bob.der') },
		{ name: 'chain.p7b', data: bin('chain.p7b') },
		{ name: 'carol-key.der', data: bin('carol-key.der') },
		{ name: 'alice-modern.p12', data: bin('alice-modern.p12'), passphrase: 'sealdesk' },
		{ name: 'alice-rsa-aes.key', data: bin('alice-rsa-aes.key'), passphrase: 'sealdesk' },
		{ name: 'frank.p12', data: bin('frank.p12'), passphrase: 'sealdesk' }
	];
}
