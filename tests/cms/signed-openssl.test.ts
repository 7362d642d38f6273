// SignedData interop with the real openssl, in both directions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, describe, expect, it } from 'vitest';
import { signData, verifySignedData } from '../../src/lib/cms/signed';
import type { SignatureScheme, SignerResult } from '../../src/lib/cms/signed';
import { isDerSorted, parseSmimeCapabilities } from '../../src/lib/cms/attributes';
import { OID_AES256_CBC, OID_AES256_GCM, OID_ATTR_SMIME_CAPABILITIES, OID_RSAES_OAEP } from '../../src/lib/base/oids';
import { PKI, hex, keySet, openssl, opensslOk, pki, tempDir, write } from './signed-helpers';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

// A MIME entity with CRLF, trailing spaces, a bare LF and 8-bit bytes: must be signed exactly.
const CONTENT = new Uint8Array(
	Buffer.concat([
		Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u00fc\u00dfe  \r\nline\nend\r\n', 'utf8'),
		Buffer.from([0xff, 0x00, 0x0d])
	])
);
const contentFile = write(dir, 'content.bin', CONTENT);
const rootCa = join(PKI, 'root-ca.pem');
const interCa = join(PKI, 'inter-ca.pem');

function only(signers: SignerResult[]): SignerResult {
	expect(signers).toHaveLength(1);
	const s = signers[0];
	if (!s) throw new Error('no signer');
	return s;
}

describe('openssl signs, we verify', () => {
	const cases: { name: string; key: string; args: string[]; digest: string; sig: RegExp; weak?: string }[] = [
		{ name: 'RSA SHA-1', key: 'alice', args: ['-md', 'sha1'], digest: 'SHA-1', sig: /PKCS1.*SHA-1/, weak: 'SHA-1' },
		{ name: 'RSA SHA-256', key: 'alice', args: ['-md', 'sha256'], digest: 'SHA-256', sig: /PKCS1.*SHA-256/ },
		{ name: 'RSA SHA-384', key: 'bob', args: ['-md', 'sha384'], digest: 'SHA-384', sig: /PKCS1.*SHA-384/ },
		{ name: 'RSA SHA-512', key: 'alice', args: ['-md', 'sha512'], digest: 'SHA-512', sig: /PKCS1.*SHA-512/ },
		{ name: 'RSA-PSS', key: 'alice', args: ['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss'], digest: 'SHA-256', sig: /PSS.*SHA-256/ },
		{ name: 'ECDSA P-256', key: 'carol', args: ['-md', 'sha256'], digest: 'SHA-256', sig: /ECDSA P-256/ },
		{ name: 'ECDSA P-384', key: 'dave', args: ['-md', 'sha384'], digest: 'SHA-384', sig: /ECDSA P-384/ },
		{ name: 'ECDSA P-521', key: 'erin', args: ['-md', 'sha512'], digest: 'SHA-512', sig: /ECDSA P-521/ },
		{ name: 'RSA, signer by subject key identifier', key: 'alice', args: ['-keyid'], digest: 'SHA-256', sig: /PKCS1/ }
	];
	for (const c of cases) {
		for (const mode of ['detached', 'opaque'] as const) {
			it(`cms -sign ${c.name} (${mode})`, async () => {
				const out = join(dir, `${c.key}-${c.name.replace(/\W+/g, '_')}-${mode}.p7s`);
				openssl([
					'cms', '-sign', '-binary', '-in', contentFile, '-signer', join(PKI, `${c.key}.pem`),
					'-inkey', join(PKI, `${c.key}.key`), '-certfile', interCa, '-outform', 'DER', '-out', out,
					...(mode === 'opaque' ? ['-nodetach'] : []), ...c.args
				]);
				const der = new Uint8Array(readFileSync(out));
				const r = await verifySignedData({
					der,
					...(mode === 'detached' ? { detachedContent: CONTENT } : {}),
					crypto
				});
				expect(hex(r.content ?? new Uint8Array())).toBe(hex(CONTENT));
				expect(r.certificates.map(hex)).toContain(hex(pki('inter-ca')));
				const s = only(r.signers);
				expect(s.status).toBe('valid');
				if (s.status !== 'valid') return;
				expect(hex(s.certificate)).toBe(hex(pki(c.key)));
				expect(s.digestAlgorithm).toBe(c.digest);
				expect(s.signatureAlgorithm).toMatch(c.sig);
				expect(s.weak).toBe(c.weak);
				expect(s.signingTime).toBeInstanceOf(Date);
				expect(s.capabilities.length).toBeGreaterThan(0);
				if (c.args.includes('-keyid')) expect(s.sid.subjectKeyIdentifier?.length).toBe(20);

				// Tampering: one byte of the content changed.
				const tampered = CONTENT.slice();
				tampered[10] = (tampered[10] ?? 0) ^ 1;
				const bad =
					mode === 'detached'
						? await verifySignedData({ der, detachedContent: tampered, crypto })
						: await verifySignedData({ der: replaceOnce(der, CONTENT, tampered), crypto });
				const b = only(bad.signers);
				expect(b.status).toBe('invalid');
				expect(b.reason).toMatch(/changed/);
			});
		}
	}

	it('smime -sign (PKCS#7), detached and opaque', async () => {
		for (const opaque of [false, true]) {
			const out = join(dir, `smime-${String(opaque)}.p7s`);
			openssl([
				'smime', '-sign', '-binary', '-in', contentFile, '-signer', join(PKI, 'bob.pem'), '-inkey',
				join(PKI, 'bob.key'), '-outform', 'DER', '-out', out, ...(opaque ? ['-nodetach'] : [])
			]);
			const der = new Uint8Array(readFileSync(out));
			const r = await verifySignedData({ der, ...(opaque ? {} : { detachedContent: CONTENT }), crypto });
			const s = only(r.signers);
			expect(s.status).toBe('valid');
			if (s.status === 'valid') expect(hex(s.certificate)).toBe(hex(pki('bob')));
			expect(hex(r.content ?? new Uint8Array())).toBe(hex(CONTENT));
		}
	});

	it('SHA-224 (which WebCrypto lacks) is reported unsupported, not valid', async () => {
		const out = join(dir, 'sha224.p7s');
		openssl(['cms', '-sign', '-binary', '-in', contentFile, '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-outform', 'DER', '-out', out, '-md', 'sha224']);
		const r = await verifySignedData({ der: new Uint8Array(readFileSync(out)), detachedContent: CONTENT, crypto });
		expect(only(r.signers).status).toBe('unsupported');
	});

	it('MD5 is refused', async () => {
		const out = join(dir, 'md5.p7s');
		openssl(['cms', '-sign', '-binary', '-in', contentFile, '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-outform', 'DER', '-out', out, '-md', 'md5']);
		const r = await verifySignedData({ der: new Uint8Array(readFileSync(out)), detachedContent: CONTENT, crypto });
		const s = only(r.signers);
		expect(s.status).toBe('invalid');
		expect(s.reason).toMatch(/MD5/);
	});

	it('a detached signature without its content is invalid, and one from an unknown signer has no certificate', async () => {
		const out = join(dir, 'nocerts.p7s');
		openssl(['cms', '-sign', '-binary', '-nocerts', '-in', contentFile, '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-outform', 'DER', '-out', out]);
		const der = new Uint8Array(readFileSync(out));
		expect(only((await verifySignedData({ der, detachedContent: CONTENT, crypto })).signers).status).toBe('no-certificate');
		const withStore = await verifySignedData({ der, detachedContent: CONTENT, knownCertificates: [pki('bob'), pki('alice')], crypto });
		expect(only(withStore.signers).status).toBe('valid');
		const noContent = await verifySignedData({ der, knownCertificates: [pki('alice')], crypto });
		expect(only(noContent.signers).status).toBe('invalid');
	});
});

describe('we sign, openssl verifies', () => {
	const CAPS = [{ oid: OID_AES256_GCM }, { oid: OID_AES256_CBC }, { oid: OID_RSAES_OAEP }];
	const variants: { name: string; key: string; kind: Parameters<typeof keySet>[1]; scheme?: SignatureScheme; opensslCan: boolean }[] = [
		{ name: 'RSA PKCS#1 v1.5', key: 'alice', kind: 'RSA', opensslCan: true },
		{ name: 'RSA-PSS', key: 'bob', kind: 'RSA', scheme: 'pss', opensslCan: true },
		{ name: 'ECDSA P-256', key: 'carol', kind: 'P-256', opensslCan: true },
		{ name: 'ECDSA P-384', key: 'dave', kind: 'P-384', opensslCan: true },
		{ name: 'ECDSA P-521', key: 'erin', kind: 'P-521', opensslCan: true },
		// OpenSSL 3.0 cannot verify Ed25519 in CMS ("invalid digest"); checked with our verifier and @noble/curves.
		{ name: 'Ed25519', key: 'frank', kind: 'Ed25519', opensslCan: false }
	];
	for (const v of variants) {
		for (const detached of [true, false]) {
			it(`${v.name} (${detached ? 'detached' : 'encapsulated'})`, async () => {
				const keys = await keySet(v.key, v.kind);
				const now = new Date('2026-11-29T10:00:00Z');
				const der = await signData({
					content: CONTENT, detached, certificate: pki(v.key), chain: [pki('inter-ca')], keys,
					...(v.scheme ? { scheme: v.scheme } : {}), capabilities: CAPS, now, crypto
				});
				const r = await verifySignedData({ der, ...(detached ? { detachedContent: CONTENT } : {}), crypto });
				const s = only(r.signers);
				expect(s.status).toBe('valid');
				if (s.status !== 'valid') return;
				expect(s.signingTime?.toISOString()).toBe(now.toISOString());
				expect(s.capabilities.map((c) => c.oid)).toEqual(CAPS.map((c) => c.oid));
				expect(r.certificates.map(hex).sort()).toEqual([hex(pki(v.key)), hex(pki('inter-ca'))].sort());

				const sdFile = write(dir, `ours-${v.key}-${String(detached)}.p7s`, der);
				const attrs = signedAttributeDers(der);
				expect(attrs).toHaveLength(4);
				expect(isDerSorted(attrs)).toBe(true);
				if (v.opensslCan) {
					const outFile = join(dir, `ours-${v.key}-${String(detached)}.out`);
					openssl([
						'cms', '-verify', '-binary', '-inform', 'DER', '-in', sdFile, '-CAfile', rootCa, '-out', outFile,
						...(detached ? ['-content', contentFile] : [])
					]);
					expect(hex(new Uint8Array(readFileSync(outFile)))).toBe(hex(CONTENT));
					const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sdFile]).toString();
					expect(printed).toMatch(/S\/MIME Capabilities|SMIMECapabilities|1\.2\.840\.113549\.1\.9\.15/);
					expect(printed).toMatch(/aes-256-gcm|id-aes256-GCM/);
					// openssl must reject our signature over other bytes.
					const other = write(dir, 'other.bin', CONTENT.slice(1));
					if (detached)
						expect(opensslOk(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sdFile, '-CAfile', rootCa, '-content', other, '-out', join(dir, 'x')]).ok).toBe(false);
				} else {
					// Independent check of the pure Ed25519 signature over the DER SET OF signed attributes.
					const { signedAttrsSet, signature } = signedAttrsAndSignature(der);
					const spki = pkijs.Certificate.fromBER(pki(v.key).slice()).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
					expect(ed25519.verify(signature, signedAttrsSet, spki)).toBe(true);
					expect(s.digestAlgorithm).toBe('SHA-512');
				}
			});
		}
	}

	it('refuses a key set that belongs to another certificate', async () => {
		const keys = await keySet('alice', 'RSA');
		await expect(
			signData({ content: CONTENT, detached: true, certificate: pki('bob'), chain: [], keys, capabilities: [], now: new Date(), crypto })
		).rejects.toThrow(/does not belong/);
	});

	it('SMIMECapabilities round-trips with parameters', () => {
		const seq = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_ATTR_SMIME_CAPABILITIES })] });
		const params = new Uint8Array(seq.toBER());
		const parsed = parseSmimeCapabilities(
			new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_AES256_CBC }), asn1js.fromBER(params).result] })] }).toBER())
		);
		expect(parsed?.[0]?.oid).toBe(OID_AES256_CBC);
		expect(hex(parsed?.[0]?.parameters ?? new Uint8Array())).toBe(hex(params));
		expect(parseSmimeCapabilities(Uint8Array.of(0x04, 0x00))).toBeNull();
	});
});

function signerInfo(der: Uint8Array): pkijs.SignerInfo {
	const ci = pkijs.ContentInfo.fromBER(der.slice());
	const sd = new pkijs.SignedData({ schema: ci.content as asn1js.AsnType });
	const si = sd.signerInfos[0];
	if (!si) throw new Error('no signer');
	return si;
}

function signedAttributeDers(der: Uint8Array): Uint8Array[] {
	return (signerInfo(der).signedAttrs?.attributes ?? []).map((a) => new Uint8Array(a.toSchema().toBER()));
}

function signedAttrsAndSignature(der: Uint8Array): { signedAttrsSet: Uint8Array; signature: Uint8Array } {
	const si = signerInfo(der);
	const set = new Uint8Array(si.signedAttrs?.encodedValue ?? new ArrayBuffer(0));
	set[0] = 0x31;
	return { signedAttrsSet: set, signature: si.signature.valueBlock.valueHexView };
}

function replaceOnce(hay: Uint8Array, needle: Uint8Array, by: Uint8Array): Uint8Array {
	const at = Buffer.from(hay).indexOf(Buffer.from(needle));
	if (at < 0) throw new Error('content not found');
	const out = hay.slice();
	out.set(by, at);
	return out;
}
