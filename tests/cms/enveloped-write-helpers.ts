/** Helpers of the sending tests: reproducible randomness, and the envelope as it was built before it was written piece by piece. */
import { algId, der, derInt, derOid, octetString, seq } from '../../src/lib/cms/enveloped-asn1';
import { OID_AES256_CBC, OID_AES256_GCM, OID_AUTH_ENVELOPED_DATA, OID_DATA, OID_ENVELOPED_DATA } from '../../src/lib/base/oids';
import { buildRecipientInfo, type EncryptRecipient } from '../../src/lib/cms/recipients-encrypt';

/** A seeded xorshift filling of getRandomValues' argument. */
export function seededRandom(seed: number): <T extends ArrayBufferView | null>(array: T) => T {
	let x = seed >>> 0 || 1;
	return <T extends ArrayBufferView | null>(array: T): T => {
		if (array) {
			const b = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
			for (let i = 0; i < b.length; i++) {
				x ^= x << 13;
				x ^= x >>> 17;
				x ^= x << 5;
				b[i] = x & 0xff;
			}
		}
		return array;
	};
}

/** WebCrypto with a seeded getRandomValues, so that two runs draw the same key, IV and padding. */
export function seededCrypto(seed: number): Crypto {
	return { subtle: globalThis.crypto.subtle, getRandomValues: seededRandom(seed) } as Crypto;
}

/** The envelope as encryptContent built it before this module: one WebCrypto call, DER by concatenation. */
export async function oneCallEnvelope(content: Uint8Array, recipients: EncryptRecipient[], gcm: boolean, crypto: Crypto): Promise<Uint8Array> {
	const cek = crypto.getRandomValues(new Uint8Array(32));
	const iv = crypto.getRandomValues(new Uint8Array(gcm ? 12 : 16));
	const key = await crypto.subtle.importKey('raw', cek, gcm ? 'AES-GCM' : 'AES-CBC', false, ['encrypt']);
	const out = new Uint8Array(await crypto.subtle.encrypt(gcm ? { name: 'AES-GCM', iv, tagLength: 128 } : { name: 'AES-CBC', iv }, key, new Uint8Array(content)));
	const ris: { der: Uint8Array; version: number }[] = [];
	for (const r of recipients) ris.push(await buildRecipientInfo(crypto, r, cek));
	const riSet = der(0x31, ...[...ris.map((r) => r.der)].sort((a, b) => Buffer.compare(a, b)));
	if (gcm) {
		const alg = algId(OID_AES256_GCM, seq(octetString(iv), derInt(16)));
		const eci = seq(derOid(OID_DATA), alg, der(0x80, out.slice(0, out.length - 16)));
		return seq(derOid(OID_AUTH_ENVELOPED_DATA), der(0xa0, seq(derInt(0), riSet, eci, octetString(out.slice(out.length - 16)))));
	}
	const eci = seq(derOid(OID_DATA), algId(OID_AES256_CBC, octetString(iv)), der(0x80, out));
	const version = ris.some((r) => r.version !== 0) ? 2 : 0;
	return seq(derOid(OID_ENVELOPED_DATA), der(0xa0, seq(derInt(version), riSet, eci)));
}
