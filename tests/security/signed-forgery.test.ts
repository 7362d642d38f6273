// One regression test per signature attack on SignedData and chain trust.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID_MD5 } from '../../src/lib/base/oids';
import { describe, expect, it } from 'vitest';
import { signData, verifySignedData } from '../../src/lib/cms/signed';
import { evaluateTrust } from '../../src/lib/pki/chain';
import { ZAMMAD, certFile, extractBase64Part, hex, keySet, pemBlocks, pki, signedPart, zammad } from '../cms/signed-helpers';

const SIGNED = fileURLToPath(new URL('../fixtures/signed/', import.meta.url));
const NOW = new Date('2027-06-01T00:00:00Z');
const CONTENT = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay 100 EUR\r\n');
const eml = (name: string): string => readFileSync(join(ZAMMAD, name), 'latin1');
const subjectOf = (d: Uint8Array): pkijs.RelativeDistinguishedNames => pkijs.Certificate.fromBER(d.slice()).subject;

describe('signature attacks', () => {
	it('forged_extra_certificate.eml: the signer is the cert whose key verifies (smime2), not the bundled smime1 clone', async () => {
		const mail = eml('forged_extra_certificate.eml');
		const r = await verifySignedData({
			der: extractBase64Part(mail, /Content-Type: application\/x-pkcs7-signature/),
			detachedContent: signedPart(mail),
			crypto
		});
		const smime1 = zammad('smime1@example.com');
		const clone = r.certificates.find((c) => subjectOf(c).isEqual(subjectOf(smime1)));
		expect(clone && hex(clone) !== hex(smime1)).toBe(true);
		expect(r.signers).toHaveLength(1);
		const s = r.signers[0];
		expect(s?.status).toBe('valid');
		if (s?.status === 'valid') expect(hex(s.certificate)).toBe(hex(zammad('smime2@example.com')));
	});

	it('forged_cloned_subject.eml: a valid signature by a self-signed clone of smime1 is not trusted with smime1 as anchor', async () => {
		const mail = eml('forged_cloned_subject.eml');
		const r = await verifySignedData({
			der: extractBase64Part(mail, /Content-Type: application\/x-pkcs7-signature/),
			detachedContent: signedPart(mail),
			crypto
		});
		const s = r.signers[0];
		expect(s?.status).toBe('valid');
		if (s?.status !== 'valid') return;
		const smime1 = zammad('smime1@example.com');
		expect(subjectOf(s.certificate).isEqual(subjectOf(smime1))).toBe(true);
		expect(hex(s.certificate)).not.toBe(hex(smime1));
		const base = { leaf: s.certificate, untrusted: r.certificates, now: NOW, crypto, purpose: 'sign' as const };
		expect((await evaluateTrust({ ...base, anchors: [smime1] })).status).toBe('untrusted');
		expect((await evaluateTrust({ ...base, anchors: [zammad('RootCA'), zammad('IntermediateCA')] })).status).toBe('untrusted');
	});

	it('a leaf cloning alice under cloned CAs verifies cryptographically but is untrusted', async () => {
		const pkcs8 = pemBlocks(readFileSync(join(SIGNED, 'leaf.key'), 'utf8'))[0] ?? new Uint8Array();
		const key = await crypto.subtle.importKey('pkcs8', pkcs8.slice(), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
		const leaf = certFile(join(SIGNED, 'clone-issued.pem'));
		const fingerprint = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', leaf.slice())));
		const chain = [certFile(join(SIGNED, 'clone-inter.pem')), certFile(join(SIGNED, 'clone-root.pem'))];
		const der = await signData({
			content: CONTENT, detached: true, certificate: leaf, chain, capabilities: [], now: NOW, crypto,
			keys: { fingerprint, algorithm: 'EC', namedCurve: 'P-256', sign: { ecdsa: key }, decrypt: {} }
		});
		const r = await verifySignedData({ der, detachedContent: CONTENT, crypto });
		const s = r.signers[0];
		expect(s?.status).toBe('valid');
		if (s?.status !== 'valid') return;
		const t = await evaluateTrust({ leaf: s.certificate, untrusted: r.certificates, anchors: [pki('root-ca'), pki('inter-ca')], now: NOW, crypto, purpose: 'sign' });
		expect(t.status).toBe('untrusted');
	});

	describe('tampering with our own signature', () => {
		const sign = async (): Promise<Uint8Array> =>
			signData({ content: CONTENT, detached: true, certificate: pki('alice'), chain: [pki('inter-ca')], keys: await keySet('alice', 'RSA'), capabilities: [], now: NOW, crypto });

		it('changing the signing time breaks the signature', async () => {
			const der = await sign();
			const at = Buffer.from(der).indexOf(Buffer.from('270601000000Z'));
			expect(at).toBeGreaterThan(0);
			der[at + 1] = 0x38; // 2027 -> 2028
			const s = (await verifySignedData({ der, detachedContent: CONTENT, crypto })).signers[0];
			expect(s?.status).toBe('invalid');
			expect(s?.reason).toMatch(/signature/);
		});

		it('downgrading the digest algorithm to MD5 is refused', async () => {
			const ci = pkijs.ContentInfo.fromBER((await sign()).slice());
			const sd = new pkijs.SignedData({ schema: ci.content as asn1js.AsnType });
			const si = sd.signerInfos[0];
			if (!si) throw new Error('no signer');
			si.digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_MD5, algorithmParams: new asn1js.Null() });
			const der = new Uint8Array(
				new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER()
			);
			const s = (await verifySignedData({ der, detachedContent: CONTENT, crypto })).signers[0];
			expect(s?.status).toBe('invalid');
			expect(s?.reason).toMatch(/MD5/);
		});

		it('a truncated signature value is invalid', async () => {
			const der = await sign();
			// Flip the last byte (inside the signature OCTET STRING, which ends the SignerInfo).
			der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0xff;
			expect((await verifySignedData({ der, detachedContent: CONTENT, crypto })).signers[0]?.status).toBe('invalid');
		});

		it('something that is not SignedData throws a typed error', async () => {
			await expect(verifySignedData({ der: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), crypto })).rejects.toThrow(/ContentInfo|SignedData/);
			await expect(verifySignedData({ der: pki('alice'), crypto })).rejects.toMatchObject({ name: 'SignedDataFormatError' });
		});
	});
});
