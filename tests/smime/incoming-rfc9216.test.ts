/**
 * Every RFC 9216 CMS object that involves a certificate, wrapped in a mail and read through
 * desk.receive. OpenSSL 3.0 itself fails three of them (Ed25519 with SHA-512,
 * ChaCha20-Poly1305, X25519 with HKDF); we must not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed-verify';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk, RFC9216 } from '../desk/receive-helpers';
import { opensslOk, tmpFile } from './helpers';

const SAMPLE = 'This is some sample content.';
const ALICE = '/O=IETF/OU=LAMPS WG/CN=Alice Lovelace';
const CARLOS = '/O=IETF/OU=LAMPS WG/CN=Carlos Turing';
const BOB = '/O=IETF/OU=LAMPS WG/CN=Bob Babbage';
const DANA = '/O=IETF/OU=LAMPS WG/CN=Dana Hopper';

const vector = (name: string): Uint8Array => new Uint8Array(readFileSync(`${RFC9216}binary-files/${name}`));
const keyFile = (name: string): string => readFileSync(`${RFC9216}certs-and-keys/${name}`, 'utf8');

/** A desk with the four sample identities: signer certificates, and the decryption keys asked for. */
async function lampsDesk(keys: ('bob' | 'dana')[] = ['bob', 'dana']): Promise<Desk> {
	const { desk } = await freshDesk({ now: new Date('2026-11-29T00:00:00Z') });
	await desk.importFile({ name: 'alice.crt', data: keyFile('lamps-alice.crt') });
	await desk.importFile({ name: 'carlos.crt', data: keyFile('lamps-carlos.crt') });
	if (keys.includes('bob')) await desk.importFile({ name: 'bob.pem', data: keyFile('lamps-bob.encrypt.crt') + keyFile('lamps-bob.decrypt.p8.pem') });
	if (keys.includes('dana')) await desk.importFile({ name: 'dana.pem', data: keyFile('lamps-dana.encrypt.crt') + keyFile('lamps-dana.decrypt.p8.pem') });
	return desk;
}

function b64(der: Uint8Array): string {
	return (Buffer.from(der).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The object as an application/pkcs7-mime mail from `from`. */
function p7mMail(der: Uint8Array, from: string, smimeType: string): Uint8Array {
	return new TextEncoder().encode(
		`From: ${from}\r\nTo: bob@smime.example\r\nSubject: RFC 9216\r\nMIME-Version: 1.0\r\n` +
			`Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(der)}\r\n`
	);
}

describe('RFC 9216 signed objects', () => {
	const cases = [
		{ file: 'signedByAliceRSA.p7m', from: 'alice@smime.example', comment: ALICE, openssl: true },
		{ file: 'signedByAliceRSAPSS.p7m', from: 'alice@smime.example', comment: ALICE, openssl: true },
		{ file: 'signedByCarlosEd25519.p7m', from: 'carlos@smime.example', comment: CARLOS, openssl: false }
	];
	for (const c of cases) {
		test(`${c.file}: valid (OpenSSL 3.0 ${c.openssl ? 'agrees' : 'cannot verify it'})`, async () => {
			const desk = await lampsDesk([]);
			const a = await desk.receive(p7mMail(vector(c.file), c.from, 'signed-data'));
			expect(a.security.sign).toEqual({ status: 'valid', signer: c.from, comment: c.comment });
			expect(a.text).toContain(SAMPLE);
			const cert = `${RFC9216}certs-and-keys/lamps-${c.from.split('@')[0] ?? ''}.crt`;
			const args = ['cms', '-verify', '-inform', 'DER', '-in', tmpFile(vector(c.file)), '-CAfile', cert, '-partial_chain', '-out', tmpFile('')];
			expect(opensslOk(args)).toBe(c.openssl);
		});
	}

	test('signedByCarlosDetached.p7m as multipart/signed over the sample content: valid', async () => {
		const inner = await verifySignedData({ der: vector('signedByCarlosEd25519.p7m'), crypto });
		const content = new TextDecoder().decode(inner.content ?? new Uint8Array());
		expect(content).toContain(SAMPLE);
		const mail =
			`From: carlos@smime.example\r\nTo: bob@smime.example\r\nSubject: detached\r\nMIME-Version: 1.0\r\n` +
			`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-512; boundary="b1"\r\n\r\n` +
			`--b1\r\n${content}\r\n--b1\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
			`${b64(vector('signedByCarlosDetached.p7m'))}\r\n--b1--\r\n`;
		const desk = await lampsDesk([]);
		const a = await desk.receive(mail);
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'carlos@smime.example', comment: CARLOS });
		expect(a.text).toContain(SAMPLE);
	});

	test('signedByAliceAndCarlosNoCerts.p7m: both signers found in the store, the sender is one of them', async () => {
		const desk = await lampsDesk([]);
		const a = await desk.receive(p7mMail(vector('signedByAliceAndCarlosNoCerts.p7m'), 'alice@smime.example', 'signed-data'));
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'alice@smime.example', comment: `${CARLOS}, ${ALICE}` });
	});

	test('signedByAliceAndCarlosNoCerts.p7m with an empty store: untrusted, nothing vouches', async () => {
		const { desk } = await freshDesk();
		const a = await desk.receive(p7mMail(vector('signedByAliceAndCarlosNoCerts.p7m'), 'alice@smime.example', 'signed-data'));
		expect(a.security.sign).toEqual({ status: 'untrusted', comment: 'The certificate for verification could not be found.' });
	});
});

describe('RFC 9216 encrypted objects', () => {
	const cases = [
		{ file: 'encryptedForBobRSAOaep.p7m', keys: ['bob'] as const, type: 'enveloped-data', comment: BOB, cipher: 'AES-128-CBC' },
		{ file: 'encryptedForBobAndDana.p7m', keys: ['bob'] as const, type: 'enveloped-data', comment: BOB, cipher: 'AES-128-CBC' },
		{ file: 'encryptedForBobAndDana.p7m', keys: ['dana'] as const, type: 'enveloped-data', comment: DANA, cipher: 'AES-128-CBC' },
		{ file: 'authEnvelopedForBobChaCha20Poly1305.p7m', keys: ['bob'] as const, type: 'authEnveloped-data', comment: BOB, cipher: 'ChaCha20-Poly1305' },
		{ file: 'authEnvelopedForDanaX25519HKDF.p7m', keys: ['dana'] as const, type: 'authEnveloped-data', comment: DANA, cipher: undefined }
	];
	for (const c of cases) {
		test(`${c.file} with ${c.keys.join('+')}'s key: decrypted`, async () => {
			const desk = await lampsDesk([...c.keys]);
			const a = await desk.receive(p7mMail(vector(c.file), 'alice@smime.example', c.type));
			expect(a.security.encryption).toEqual({ status: 'decrypted', comment: c.comment });
			expect(a.text).toContain(SAMPLE);
			if (c.cipher) expect(a.security.layers[0]).toMatchObject({ kind: 'encrypted', contentEncryption: c.cipher });
		});
	}

	test('encryptedForBobRSAOaep.p7m without Bob\'s key: no-key', async () => {
		const desk = await lampsDesk(['dana']);
		const a = await desk.receive(p7mMail(vector('encryptedForBobRSAOaep.p7m'), 'alice@smime.example', 'enveloped-data'));
		expect(a.security.encryption).toEqual({ status: 'no-key', comment: 'The private key for decryption could not be found.' });
		expect(a.text).toBe('');
	});
});
