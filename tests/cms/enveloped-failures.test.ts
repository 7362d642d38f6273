/** Failure statuses of decryptContent: wrong key, tampering, truncation, strict custody, no key. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
	decryptContent,
	DECRYPT_FAILED_COMMENT,
	encryptContent,
	NO_KEY_COMMENT,
	NotEnvelopedError,
	STRICT_CUSTODY_COMMENT,
	type KeyTransport
} from '../../src/lib/cms/enveloped';
import { exact } from '../../src/lib/base/bytes';
import { algId, der, derInt, derNull, derOid, octetString, seq } from '../../src/lib/cms/enveloped-asn1';
import { parseRecipientCert } from '../../src/lib/cms/recipients-cert';
import { CONTENT, PKI, candidateFrom, editEnvelope, pkiCandidate, readPem } from './enveloped-helpers';

const FAILED = { status: 'failed', comment: DECRYPT_FAILED_COMMENT };
const cert = (n: string): Uint8Array => readPem(join(PKI, `${n}.pem`));

function encryptFor(names: string[], ce: 'aes-256-cbc' | 'aes-256-gcm', kt?: KeyTransport): Promise<Uint8Array> {
	return encryptContent({
		content: CONTENT,
		recipients: names.map((n) => ({ certificate: cert(n), ...(kt ? { keyTransport: kt } : {}) })),
		contentEncryption: ce,
		crypto
	});
}

/** Bob's certificate paired with Alice's key: the identifier matches, the key is wrong. */
const impostor = (legacy = true) => candidateFrom(join(PKI, 'bob.pem'), join(PKI, 'alice.key'), legacy);

describe('wrong key', () => {
	it.each([
		['aes-256-cbc', 'rsa-pkcs1'],
		['aes-256-cbc', 'rsa-oaep-sha256'],
		['aes-256-gcm', 'rsa-pkcs1'],
		['aes-256-gcm', 'rsa-oaep-sha256']
	] as const)('%s with %s: failed', async (ce, kt) => {
		const der = await encryptFor(['bob'], ce, kt);
		expect(await decryptContent({ der, candidates: [await impostor()], crypto })).toEqual(FAILED);
	});
});

describe('tampering', () => {
	it('a modified GCM tag: failed, no plaintext', async () => {
		const d = await encryptFor(['bob'], 'aes-256-gcm', 'rsa-oaep-sha256');
		const bad = editEnvelope(d, { mac: (m) => m.map((x, i) => (i === 0 ? x ^ 1 : x)) });
		expect(await decryptContent({ der: bad, candidates: [await pkiCandidate('bob')], crypto })).toEqual(FAILED);
	});

	it('modified GCM ciphertext: failed', async () => {
		const d = await encryptFor(['carol'], 'aes-256-gcm');
		const bad = editEnvelope(d, { ciphertext: (c) => c.map((x, i) => (i === 3 ? x ^ 0x80 : x)) });
		expect(await decryptContent({ der: bad, candidates: [await pkiCandidate('carol')], crypto })).toEqual(FAILED);
	});

	it('CBC ciphertext with a modified last block: never the original content', async () => {
		const d = await encryptFor(['bob'], 'aes-256-cbc');
		const bad = editEnvelope(d, { ciphertext: (c) => c.map((x, i) => (i === c.length - 1 ? x ^ 0x55 : x)) });
		const r = await decryptContent({ der: bad, candidates: [await pkiCandidate('bob')], crypto });
		if (r.status === 'decrypted') expect(r.content).not.toEqual(CONTENT);
		else expect(r).toEqual(FAILED);
	});

	it('CBC ciphertext cut by one block: failed', async () => {
		const d = await encryptFor(['bob'], 'aes-256-cbc', 'rsa-oaep-sha256');
		const bad = editEnvelope(d, { ciphertext: (c) => c.subarray(0, c.length - 16) });
		const r = await decryptContent({ der: bad, candidates: [await pkiCandidate('bob')], crypto });
		// The padding of the new last block is almost surely wrong; if not, the content is shorter.
		if (r.status === 'decrypted') expect(r.content).not.toEqual(CONTENT);
		else expect(r).toEqual(FAILED);
	});

	it('CBC ciphertext not a multiple of the block size: failed', async () => {
		const d = await encryptFor(['bob'], 'aes-256-cbc', 'rsa-oaep-sha256');
		const bad = editEnvelope(d, { ciphertext: (c) => c.subarray(0, c.length - 5) });
		expect(await decryptContent({ der: bad, candidates: [await pkiCandidate('bob')], crypto })).toEqual(FAILED);
	});

	it('truncated DER of an envelope: failed, not an exception', async () => {
		const d = await encryptFor(['bob'], 'aes-256-gcm');
		for (const cut of [20, 100, d.length - 30, d.length - 1]) {
			expect(await decryptContent({ der: d.subarray(0, cut), candidates: [await pkiCandidate('bob')], crypto })).toEqual(FAILED);
		}
	});
});

describe('AES-GCM tag lengths 12 to 16 bytes (hand-built AuthEnvelopedData)', () => {
	it.each([12, 13, 14, 15, 16])('%i-byte tag', async (icv) => {
		const bob = parseRecipientCert(cert('bob'));
		const cek = crypto.getRandomValues(new Uint8Array(16));
		const nonce = crypto.getRandomValues(new Uint8Array(12));
		const k = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
		const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: icv * 8 }, k, exact(CONTENT)));
		const pub = await crypto.subtle.importKey('spki', exact(bob.spki), { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['encrypt']);
		const ek = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, pub, cek));
		const ktri = seq(derInt(0), seq(bob.issuer, der(0x02, bob.serial)), algId('1.2.840.113549.1.1.7', seq()), octetString(ek));
		const eci = seq(
			derOid('1.2.840.113549.1.7.1'),
			algId('2.16.840.1.101.3.4.1.6', seq(octetString(nonce), derInt(icv))),
			der(0x80, out.subarray(0, out.length - icv))
		);
		const msg = seq(derOid('1.2.840.113549.1.9.16.1.23'), der(0xa0, seq(derInt(0), der(0x31, ktri), eci, octetString(out.subarray(out.length - icv)))));
		const r = await decryptContent({ der: msg, candidates: [await pkiCandidate('bob')], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.contentEncryption).toBe('AES-128-GCM');
		expect(r.keyTransport).toBe('RSA-OAEP (SHA-1)');
	});
});

describe('strict key custody', () => {
	it('RSA PKCS#1 v1.5 without a legacy opener: strict-custody', async () => {
		const d = await encryptFor(['bob'], 'aes-256-cbc');
		const r = await decryptContent({ der: d, candidates: [await pkiCandidate('bob', false)], crypto });
		expect(r).toEqual({ status: 'strict-custody', comment: STRICT_CUSTODY_COMMENT });
	});

	it('an opener that returns null: strict-custody', async () => {
		const d = await encryptFor(['bob'], 'aes-256-gcm');
		const c = { ...(await pkiCandidate('bob', false)), openLegacyKey: () => Promise.resolve(null) };
		expect((await decryptContent({ der: d, candidates: [c], crypto })).status).toBe('strict-custody');
	});

	it('another recipientInfo of ours that can be opened wins', async () => {
		const alice = parseRecipientCert(cert('alice'));
		expect(alice.keyType).toBe('RSA');
		const d = await encryptContent({
			content: CONTENT,
			recipients: [{ certificate: cert('alice') }, { certificate: cert('carol') }],
			contentEncryption: 'aes-256-cbc',
			crypto
		});
		const r = await decryptContent({ der: d, candidates: [await pkiCandidate('alice', false), await pkiCandidate('carol')], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.recipient).toEqual(cert('carol'));
	});

	it('the legacy opener receives its buffer back zeroed', async () => {
		const d = await encryptFor(['bob'], 'aes-256-cbc');
		const base = await pkiCandidate('bob', false);
		let handed: Uint8Array | null = null;
		const pkcs8 = readPem(join(PKI, 'bob.key'));
		const c = { ...base, openLegacyKey: () => Promise.resolve((handed = new Uint8Array(pkcs8))) };
		const r = await decryptContent({ der: d, candidates: [c], crypto });
		expect(r.status).toBe('decrypted');
		expect(handed).not.toBeNull();
		expect((handed as unknown as Uint8Array).every((x) => x === 0)).toBe(true);
	});
});

describe('no key and not an envelope', () => {
	it('no matching certificate: no-key with the recipients named', async () => {
		const d = await encryptFor(['bob', 'dave'], 'aes-256-cbc');
		const r = await decryptContent({ der: d, candidates: [await pkiCandidate('alice'), await pkiCandidate('carol')], crypto });
		expect(r.status).toBe('no-key');
		if (r.status !== 'no-key') return;
		expect(r.comment).toBe(NO_KEY_COMMENT);
		expect(r.recipients).toHaveLength(2);
		expect(r.recipients.every((x) => x.includes('serial'))).toBe(true);
	});

	it('no candidates at all: no-key', async () => {
		const d = await encryptFor(['bob'], 'aes-256-gcm');
		expect((await decryptContent({ der: d, candidates: [], crypto })).status).toBe('no-key');
	});

	it('a data ContentInfo or garbage throws NotEnvelopedError', async () => {
		const data = seq(derOid('1.2.840.113549.1.7.1'), der(0xa0, octetString(CONTENT)));
		await expect(decryptContent({ der: data, candidates: [], crypto })).rejects.toBeInstanceOf(NotEnvelopedError);
		await expect(decryptContent({ der: new Uint8Array([1, 2, 3]), candidates: [], crypto })).rejects.toBeInstanceOf(NotEnvelopedError);
		await expect(decryptContent({ der: derNull(), candidates: [], crypto })).rejects.toBeInstanceOf(NotEnvelopedError);
	});

	it('encrypting for nobody or for a sign-only Ed25519 key throws', async () => {
		await expect(encryptContent({ content: CONTENT, recipients: [], contentEncryption: 'aes-256-cbc', crypto })).rejects.toThrow();
		await expect(
			encryptContent({ content: CONTENT, recipients: [{ certificate: cert('frank') }], contentEncryption: 'aes-256-cbc', crypto })
		).rejects.toThrow(/cannot receive encrypted mail/);
	});
});
