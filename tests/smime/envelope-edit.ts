/** Test helpers that damage an EnvelopedData/AuthEnvelopedData DER the way an attacker would. */
import { children, der, octets, parseOne, seq, type Tlv } from '../../src/lib/cms/enveloped-asn1';

function envelope(bytes: Uint8Array): { oid: Tlv; env: Tlv; parts: Tlv[] } {
	const [oid, wrapper] = children(parseOne(bytes));
	const env = wrapper ? children(wrapper)[0] : undefined;
	if (!oid || !env) throw new Error('not a ContentInfo');
	return { oid, env, parts: children(env) };
}

/** Replaces the encrypted content (re-encoded, so the length may change). */
export function editCiphertext(bytes: Uint8Array, f: (ciphertext: Uint8Array) => Uint8Array): Uint8Array {
	const { oid, env, parts } = envelope(bytes);
	const eci = parts.find((p, i) => p.tag === 0x30 && parts[i - 1]?.tag === 0x31);
	const [ct, alg, enc] = eci ? children(eci) : [];
	if (!eci || !ct || !alg || !enc) throw new Error('no encryptedContentInfo');
	const newEci = seq(ct.raw, alg.raw, der(0x80, f(octets(enc).slice())));
	return seq(oid.raw, der(0xa0, der(env.tag, ...parts.map((p) => (p === eci ? newEci : p.raw)))));
}

/** Changes the first KeyTransRecipientInfo's encryptedKey in place (same length). */
export function editEncryptedKey(bytes: Uint8Array, f: (key: Uint8Array) => void): Uint8Array {
	const copy = bytes.slice();
	const { parts } = envelope(copy);
	const ris = parts.find((p) => p.tag === 0x31);
	const ktri = ris ? children(ris).find((r) => r.tag === 0x30) : undefined;
	const ek = ktri ? children(ktri)[3] : undefined;
	if (!ek) throw new Error('no KeyTransRecipientInfo');
	f(ek.value);
	return copy;
}

/** Changes the AuthEnvelopedData MAC (the GCM tag) in place. */
export function editTag(bytes: Uint8Array, f: (tag: Uint8Array) => void): Uint8Array {
	const copy = bytes.slice();
	const { parts } = envelope(copy);
	const mac = parts[parts.length - 1];
	if (mac?.tag !== 0x04) throw new Error('no MAC');
	f(mac.value);
	return copy;
}

/** A DER CMS object as an application/pkcs7-mime mail. */
export function p7mMail(derBytes: Uint8Array, smimeType: string, from = 'alice@sealdesk.test'): Uint8Array {
	const b64 = (Buffer.from(derBytes).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
	return new TextEncoder().encode(
		`From: ${from}\r\nTo: bob@sealdesk.test\r\nSubject: p7m\r\nMessage-ID: <p7m.${String(Math.random()).slice(2)}@sealdesk.test>\r\n` +
			`MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\n` +
			`Content-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`
	);
}

/** Replaces the keyEncryptionAlgorithm of the first KeyTransRecipientInfo (re-encoded). */
export function editKtriAlgorithm(bytes: Uint8Array, f: (alg: Tlv) => Uint8Array): Uint8Array {
	const { oid, env, parts } = envelope(bytes);
	const ris = parts.find((p) => p.tag === 0x31);
	const [ktri, ...others] = ris ? children(ris) : [];
	const [version, rid, alg, ek] = ktri ? children(ktri) : [];
	if (!ris || !version || !rid || !alg || !ek) throw new Error('no KeyTransRecipientInfo');
	const newRis = der(0x31, seq(version.raw, rid.raw, f(alg), ek.raw), ...others.map((o) => o.raw));
	return seq(oid.raw, der(0xa0, der(env.tag, ...parts.map((p) => (p === ris ? newRis : p.raw)))));
}

/** Replaces the RecipientInfos (re-encoded): `f` gets each one's DER and returns the new list. */
export function editRecipientInfos(bytes: Uint8Array, f: (ris: Uint8Array[]) => Uint8Array[]): Uint8Array {
	const { oid, env, parts } = envelope(bytes);
	const ris = parts.find((p) => p.tag === 0x31);
	if (!ris) throw new Error('no RecipientInfos');
	const newRis = der(0x31, new Uint8Array(Buffer.concat(f(children(ris).map((r) => r.raw))))); // no spread: there may be 100,000
	return seq(oid.raw, der(0xa0, der(env.tag, ...parts.map((p) => (p === ris ? newRis : p.raw)))));
}

/** A KeyTransRecipientInfo (DER) with its encryptedKey replaced by `key` (same length). */
export function withEncryptedKey(ktri: Uint8Array, key: Uint8Array): Uint8Array {
	const copy = ktri.slice();
	const ek = children(parseOne(copy))[3];
	if (ek?.value.length !== key.length) throw new Error('not a KeyTransRecipientInfo of that key size');
	ek.value.set(key);
	return copy;
}
