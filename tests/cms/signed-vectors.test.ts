// SignedData against external vectors: RFC 9216 samples and Zammad's S/MIME fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed';
import type { SignerResult } from '../../src/lib/cms/signed';
import { evaluateTrust } from '../../src/lib/pki/chain';
import { RFC9216, ZAMMAD, certFile, extractBase64Part, hex, signedPart, zammad } from './signed-helpers';

const vector = (name: string): Uint8Array => new Uint8Array(readFileSync(join(RFC9216, 'binary-files', name)));
const lamps = (name: string): Uint8Array => certFile(join(RFC9216, 'certs-and-keys', name));
const eml = (name: string): string => readFileSync(join(ZAMMAD, name), 'latin1');
const NOW = new Date('2026-11-29T12:00:00Z');

function valid(s: SignerResult | undefined): Extract<SignerResult, { status: 'valid' }> {
	expect(s?.status, s?.reason).toBe('valid');
	if (s?.status !== 'valid') throw new Error('not valid');
	return s;
}

describe('RFC 9216 signed objects', () => {
	const sample = 'This is some sample content.';
	it.each([
		['signedByAliceRSA.p7m', 'lamps-alice.crt', /PKCS1.*SHA-256/],
		['signedByAliceRSAPSS.p7m', 'lamps-alice.crt', /PSS/],
		['signedByCarlosEd25519.p7m', 'lamps-carlos.crt', /Ed25519/]
	])('%s verifies', async (file, certName, alg) => {
		const r = await verifySignedData({ der: vector(file), crypto });
		expect(Buffer.from(r.content ?? new Uint8Array()).toString()).toContain(sample);
		const s = valid(r.signers[0]);
		expect(hex(s.certificate)).toBe(hex(lamps(certName)));
		expect(s.signatureAlgorithm).toMatch(alg);
		// A changed eContent byte must be caught.
		const der = vector(file);
		const at = Buffer.from(der).indexOf(Buffer.from(sample));
		der[at] = 0x74;
		expect((await verifySignedData({ der, crypto })).signers[0]?.status).toBe('invalid');
	});

	it('signedByCarlosDetached.p7m verifies against the sample content (signer by subject key identifier)', async () => {
		const content = (await verifySignedData({ der: vector('signedByCarlosEd25519.p7m'), crypto })).content;
		if (!content) throw new Error('no content');
		const r = await verifySignedData({ der: vector('signedByCarlosDetached.p7m'), detachedContent: content, crypto });
		const s = valid(r.signers[0]);
		expect(s.sid.subjectKeyIdentifier).toBeDefined();
		expect(hex(s.certificate)).toBe(hex(lamps('lamps-carlos.crt')));
		const other = await verifySignedData({ der: vector('signedByCarlosDetached.p7m'), detachedContent: content.slice(1), crypto });
		expect(other.signers[0]?.status).toBe('invalid');
	});

	it('signedByAliceAndCarlosNoCerts.p7m verifies both signers with certificates from the store', async () => {
		const der = vector('signedByAliceAndCarlosNoCerts.p7m');
		const bare = await verifySignedData({ der, crypto });
		expect(bare.certificates).toHaveLength(0);
		expect(bare.signers.map((s) => s.status)).toEqual(['no-certificate', 'no-certificate']);
		const known = [lamps('lamps-alice.crt'), lamps('lamps-carlos.crt')];
		const r = await verifySignedData({ der, knownCertificates: known, crypto });
		expect(r.signers).toHaveLength(2);
		const certs = r.signers.map((s) => hex(valid(s).certificate)).sort();
		expect(certs).toEqual(known.map(hex).sort());
	});
});

describe("Zammad's fixtures at the CMS level", () => {
	it('sender_is_signer.eml: smime1 signed; trusted via its own certificate or the intermediate, not via the root alone', async () => {
		const mail = eml('sender_is_signer.eml');
		const p7s = extractBase64Part(mail, /Content-Type: application\/x-pkcs7-signature/);
		const r = await verifySignedData({ der: p7s, detachedContent: signedPart(mail), crypto });
		const s = valid(r.signers[0]);
		const smime1 = zammad('smime1@example.com');
		expect(hex(s.certificate)).toBe(hex(smime1));
		expect(s.signingTime?.toISOString()).toBe('2023-08-01T09:47:47.000Z');
		// Without CRLF canonicalisation the digest does not match.
		const raw = new Uint8Array(Buffer.from(Buffer.from(signedPart(mail)).toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
		expect((await verifySignedData({ der: p7s, detachedContent: raw, crypto })).signers[0]?.status).toBe('invalid');

		const base = { leaf: s.certificate, untrusted: r.certificates, now: NOW, crypto, purpose: 'sign' as const, signingTime: s.signingTime };
		const viaLeaf = await evaluateTrust({ ...base, anchors: [smime1] });
		expect(viaLeaf.status).toBe('trusted');
		if (viaLeaf.status === 'trusted') expect(viaLeaf.path).toHaveLength(1);
		expect((await evaluateTrust({ ...base, anchors: [zammad('RootCA')] })).status).toBe('untrusted');
		const viaInter = await evaluateTrust({ ...base, anchors: [zammad('IntermediateCA')] });
		expect(viaInter.status).toBe('trusted');
		const full = await evaluateTrust({ ...base, untrusted: [...r.certificates, zammad('IntermediateCA')], anchors: [zammad('RootCA')] });
		expect(full.status).toBe('trusted');
		if (full.status === 'trusted') {
			expect(full.path.map(hex)).toEqual([smime1, zammad('IntermediateCA'), zammad('RootCA')].map(hex));
			expect(full.expired).toEqual([]);
		}
	});

	it('sender_is_signer_with_ca.eml: untrusted with SenderCA alone, trusted once SenderIntermediateCA is known', async () => {
		const mail = eml('sender_is_signer_with_ca.eml');
		const p7s = extractBase64Part(mail, /Content-Type: application\/x-pkcs7-signature/);
		const r = await verifySignedData({ der: p7s, detachedContent: signedPart(mail), crypto });
		const s = valid(r.signers[0]);
		expect(hex(s.certificate)).toBe(hex(zammad('smime-sender-ca@example.com')));
		const base = { leaf: s.certificate, now: NOW, crypto, purpose: 'sign' as const, anchors: [zammad('SenderCA')] };
		expect((await evaluateTrust({ ...base, untrusted: r.certificates })).status).toBe('untrusted');
		expect((await evaluateTrust({ ...base, untrusted: [...r.certificates, zammad('SenderIntermediateCA')] })).status).toBe('trusted');
	});

	it('opaque_no_bundled_signer_cert.eml: no certificate without the store, valid with smime1 supplied', async () => {
		const p7m = extractBase64Part(eml('opaque_no_bundled_signer_cert.eml'), /Content-Type: application\/x-pkcs7-mime/);
		const bare = await verifySignedData({ der: p7m, crypto });
		expect(bare.signers[0]?.status).toBe('no-certificate');
		expect(bare.signers[0]?.sid.serialNumber).toBe('1001');
		expect(Buffer.from(bare.content ?? new Uint8Array()).toString()).toContain('Some text');
		const r = await verifySignedData({ der: p7m, knownCertificates: [zammad('smime2@example.com'), zammad('smime1@example.com')], crypto });
		expect(hex(valid(r.signers[0]).certificate)).toBe(hex(zammad('smime1@example.com')));
	});

	it('opaque_sender_not_in_store.eml: valid signature, untrusted with an empty store, trusted via the root and intermediate', async () => {
		const p7m = extractBase64Part(eml('opaque_sender_not_in_store.eml'), /Content-Type: application\/x-pkcs7-mime/);
		const r = await verifySignedData({ der: p7m, crypto });
		const s = valid(r.signers[0]);
		expect(Buffer.from(r.content ?? new Uint8Array()).toString()).toBe('Content-Type: text/plain\r\n\r\nSome text\r\n');
		const base = { leaf: s.certificate, now: NOW, crypto, purpose: 'sign' as const };
		expect((await evaluateTrust({ ...base, untrusted: r.certificates, anchors: [] })).status).toBe('untrusted');
		expect((await evaluateTrust({ ...base, untrusted: [zammad('IntermediateCA')], anchors: [zammad('RootCA')] })).status).toBe('trusted');
	});

	it('sender_name_with_trusted_ca.eml: signer chains to the X.509 v1 SenderNameCA as an anchor', async () => {
		const mail = eml('sender_name_with_trusted_ca.eml').replace(/\n/g, '\r\n');
		const p7s = extractBase64Part(mail, /Content-Type: application\/(x-)?pkcs7-signature/);
		const r = await verifySignedData({ der: p7s, detachedContent: signedPart(mail), crypto });
		const s = valid(r.signers[0]);
		const ca = zammad('SenderNameCA');
		const t = await evaluateTrust({ leaf: s.certificate, untrusted: r.certificates, anchors: [ca], now: NOW, crypto, purpose: 'sign' });
		expect(t.status).toBe('trusted');
		if (t.status === 'trusted') expect(hex(t.anchor)).toBe(hex(ca));
	});
});
