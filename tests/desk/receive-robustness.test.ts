/**
 * Hostile and extreme inputs of the issue: truncated base64, bad ASN.1, a wrong key, tampered
 * content, nesting 10 levels deep, a 25 MB attachment, garbage. Each gets a clear status and
 * comment, and none throws or hangs.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { cms, content, encryptTo, loadPki, signAs, withHeaders } from '../smime/mail';
import { p7mMail } from '../smime/envelope-edit';
import { PKI, pemCert, text } from '../smime/helpers';
import { encryptContent } from '../../src/lib/cms/enveloped';
import { freshDesk } from './receive-helpers';

const VERIFY_ERROR = 'Error while verifying signature, please contact your administrator.';
const DECRYPT_FAILED = 'The message could not be decrypted.';

let desk: Desk;
beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, ['bob']);
});

describe('damaged input', () => {
	test('truncated base64 of an opaque signature: invalid with the verification error', async () => {
		const mail = text(cms([...signAs('alice'), '-nodetach'], content('truncated')));
		const cut = mail.slice(0, Math.floor(mail.length * 0.6));
		const a = await desk.receive(withHeaders(cut));
		expect(a.security.sign).toEqual({ status: 'invalid', comment: VERIFY_ERROR });
		expect(a.text).toBe('');
	});

	test('truncated base64 of an encrypted mail: failed', async () => {
		const mail = text(cms([...encryptTo('bob'), '-aes256'], content('truncated')));
		const a = await desk.receive(withHeaders(mail.slice(0, Math.floor(mail.length * 0.7))));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: DECRYPT_FAILED });
	});

	test('bad ASN.1 in a detached signature: invalid with the verification error, text still readable', async () => {
		const mail = text(cms(signAs('alice'), content('bad asn1'))).replace(/(\r?\n\r?\n)MII[A-Za-z0-9+/]{20}/, '$1AAAAAAAAAAAAAAAAAAAAAAA');
		const a = await desk.receive(withHeaders(mail));
		expect(a.security.sign).toEqual({ status: 'invalid', comment: VERIFY_ERROR });
		expect(a.text).toContain('bad asn1');
	});

	test('bad ASN.1 labelled enveloped-data: failed', async () => {
		const a = await desk.receive(p7mMail(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3]), 'enveloped-data'));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: DECRYPT_FAILED });
	});

	test('bad ASN.1 labelled signed-data: invalid', async () => {
		const a = await desk.receive(p7mMail(new Uint8Array([0x30, 0x03, 0x02, 0x01]), 'signed-data'));
		expect(a.security.sign).toEqual({ status: 'invalid', comment: VERIFY_ERROR });
	});

	test('a wrong key (the recipient id names bob, the key was wrapped for alice): failed', async () => {
		const der = cms([...encryptTo('alice'), '-aes256', '-keyopt', 'rsa_padding_mode:oaep', '-outform', 'DER'], content('wrong key'));
		const [aliceSerial, bobSerial] = ['alice', 'bob'].map((n) => serialOf(n));
		const swapped = replaceOnce(der, aliceSerial ?? new Uint8Array(), bobSerial ?? new Uint8Array());
		const a = await desk.receive(p7mMail(swapped, 'enveloped-data'));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: DECRYPT_FAILED });
		expect(a.text).toBe('');
	});

	test('tampered signed content: invalid, the content was changed', async () => {
		const mail = text(cms(signAs('alice'), content('pay 100 EUR'))).replace('pay 100 EUR', 'pay 900 EUR');
		const a = await desk.receive(withHeaders(mail));
		expect(a.security.sign).toEqual({ status: 'invalid', comment: 'The signature is invalid: The content was changed after it was signed.' });
	});

	test('a certs-only bundle (smime-type=certs-only) is not a signature', async () => {
		const der = new Uint8Array(execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', join(PKI, 'alice.pem'), '-outform', 'DER']));
		const a = await desk.receive(p7mMail(der, 'certs-only'));
		expect(a.security.sign).toEqual({ status: 'none', comment: 'The message is not signed.' });
		expect(a.attachments).toHaveLength(1);
	});

	test('garbage bytes: stored as an unsigned, unencrypted mail', async () => {
		const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
		const a = await desk.receive(junk);
		expect(a.security.sign.status).toBe('none');
		expect(a.security.encryption.status).toBe('none');
	});

	test('a multipart/signed without a signature part (Zammad wrong_mime_type style, by us): invalid', async () => {
		const mail = 'From: a@sealdesk.test\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nonly text\r\n--x--\r\n';
		const a = await desk.receive(mail);
		expect(a.security.sign).toEqual({ status: 'invalid', comment: VERIFY_ERROR });
		expect(a.text).toContain('only text');
	});
});

describe('limits', () => {
	test('ten nested signatures: "The message is nested too deeply."', async () => {
		let inner: Uint8Array = new TextEncoder().encode(content('deep'));
		for (let i = 0; i < 10; i++) inner = cms([...signAs('alice'), '-nodetach', '-binary'], inner);
		const a = await desk.receive(withHeaders(inner));
		expect(a.security.sign).toEqual({ status: 'invalid', comment: 'The message is nested too deeply.' });
		expect(a.text).toBe('');
	});

	test('nine nested signatures are still read', async () => {
		let inner: Uint8Array = new TextEncoder().encode(content('nine'));
		for (let i = 0; i < 9; i++) inner = cms([...signAs('alice'), '-nodetach', '-binary'], inner);
		const a = await desk.receive(withHeaders(inner));
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.layers).toHaveLength(9);
		expect(a.text).toContain('nine');
	});

	test('ten nested cleartext multiparts: the comment says it is nested too deeply', async () => {
		let entity = content('deep multipart');
		for (let i = 0; i < 10; i++) entity = `Content-Type: multipart/mixed; boundary="b${String(i)}"\r\n\r\n--b${String(i)}\r\n${entity}\r\n--b${String(i)}--\r\n`;
		const a = await desk.receive(withHeaders(entity));
		expect(a.security.sign).toEqual({ status: 'none', comment: 'The message is nested too deeply.' });
		expect(a.security.encryption).toEqual({ status: 'none', comment: 'The message is nested too deeply.' });
	});

	test('a message over the size limit is not processed, with a comment', async () => {
		const { readIncoming } = await import('../../src/lib/smime/incoming');
		const r = await readIncoming({ raw: withHeaders(content('big')), certificates: [], candidates: [], now: new Date(), crypto, maxSize: 10 });
		expect(r.security.sign).toEqual({ status: 'none', comment: 'The message is too large to be processed.' });
		expect(r.content).toBeNull();
	});

	test('a signed and encrypted mail with a 25 MB attachment', async () => {
		const data = new Uint8Array(25 * 1024 * 1024);
		crypto.getRandomValues(data.subarray(0, 65536));
		for (let i = 65536; i < data.length; i += 65536) data.set(data.subarray(0, 65536), i);
		const b64 = (Buffer.from(data).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
		const entity =
			'Content-Type: multipart/mixed; boundary="att"\r\n\r\n--att\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n' +
			`--att\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--att--\r\n`;
		const signed = cms([...signAs('alice'), '-binary'], entity);
		// The envelope is ours (openssl's own 35 MB encryption is slow on a loaded machine); the signature is openssl's.
		const der = await encryptContent({ content: signed, recipients: [{ certificate: pemCert(join(PKI, 'bob.pem')) }], contentEncryption: 'aes-256-gcm', crypto });
		const mail = p7mMail(der, 'authEnveloped-data');
		const start = Date.now();
		const a = await desk.receive(mail);
		expect(Date.now() - start).toBeLessThan(40_000);
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.text).toContain('See attachment.');
		expect(a.attachments).toEqual([{ index: 0, name: 'big.bin', type: 'application/octet-stream', size: data.length }]);
		const bytes = await desk.getAttachment(a.id, 0);
		expect(bytes && Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
	}, 60_000);
});

function serialOf(name: string): Uint8Array {
	const out = execFileSync('openssl', ['x509', '-in', join(PKI, `${name}.pem`), '-noout', '-serial'], { encoding: 'utf8' }).trim();
	return new Uint8Array(Buffer.from(out.replace('serial=', ''), 'hex'));
}

function replaceOnce(hay: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
	if (from.length !== to.length || from.length === 0) throw new Error('serials differ in length');
	const i = Buffer.from(hay).indexOf(Buffer.from(from));
	if (i < 0) throw new Error('serial not found');
	const out = hay.slice();
	out.set(to, i);
	return out;
}

describe('an unexpected internal failure', () => {
	test('is stored with a neutral status and the raw mail, logged as failed, and retry can run again', async () => {
		let fail = false;
		const subtle = new Proxy(crypto.subtle, {
			get(target, prop): unknown {
				if (prop === 'digest') {
					return (alg: AlgorithmIdentifier, data: BufferSource) => {
						if (fail && alg === 'SHA-1') throw new Error('simulated fault');
						return target.digest(alg, data);
					};
				}
				const value: unknown = Reflect.get(target, prop, target);
				return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
			}
		});
		const faulty = { subtle, getRandomValues: crypto.getRandomValues.bind(crypto), randomUUID: crypto.randomUUID.bind(crypto) } as unknown as Crypto;
		const { openDesk } = await import('../../src/lib/desk/desk');
		const { IDBFactory } = await import('fake-indexeddb');
		const d = await openDesk({ indexedDB: new IDBFactory(), name: 'faulty', crypto: faulty });
		await d.setEnabled(true);
		await loadPki(d, []);
		// An expired signer makes the trust comment compute the certificate's SHA-1, which now fails.
		const mail = withHeaders(cms(['-sign', '-signer', join(PKI, 'expired.pem'), '-inkey', join(PKI, 'expired.key'), '-certfile', join(PKI, 'inter-ca.pem')], content('fault')), { from: 'expired@sealdesk.test' });
		fail = true;
		const a = await d.receive(mail);
		const sentence = 'The message could not be processed. Retry it, or contact your administrator.';
		expect(a.security.sign).toEqual({ status: 'none', comment: sentence });
		expect(a.security.encryption).toEqual({ status: 'none', comment: sentence });
		expect((await d.logs())[0]).toMatchObject({ status: 'failed', detail: expect.stringContaining('Error: simulated fault') as unknown });
		fail = false;
		expect((await d.retry(a.id)).security.sign.status).toBe('expired');
	});
});
