/**
 * Writing EnvelopedData (AES-256-CBC) and AuthEnvelopedData (AES-256-GCM, RFC 5083) for sending.
 *
 * The DER is returned as chunks: the header, whose lengths are known once the ciphertext
 * length is, then the ciphertext as WebCrypto returned it (never copied), then for GCM the
 * tag. Their concatenation is the ContentInfo; a caller that base64-encodes it (S/MIME) reads
 * the chunks in place, so a large message is never re-encoded or copied here.
 */
import { algId, concat, der, derInt, derOid, octetString, seq } from './enveloped-asn1';
import { OID_AES256_CBC, OID_AES256_GCM, OID_AUTH_ENVELOPED_DATA, OID_DATA, OID_ENVELOPED_DATA } from './oids';
import { buildRecipientInfo, type EncryptRecipient } from './recipients-encrypt';

/** Options of {@link encryptContentChunks}. */
export interface EncryptContentOptions {
	content: Uint8Array;
	recipients: EncryptRecipient[];
	contentEncryption: 'aes-256-cbc' | 'aes-256-gcm';
	crypto: Crypto;
}

/** GCM tag length in bytes (aes-ICVlen). */
const TAG = 16;

/**
 * Encrypts `content` for every recipient and returns the DER of the ContentInfo as chunks
 * (see the module comment): EnvelopedData with AES-256-CBC (random 16-byte IV), or
 * AuthEnvelopedData with AES-256-GCM (random 12-byte nonce, 16-byte tag, no authAttrs).
 * Throws RecipientKeyError for an unusable recipient certificate, Error when there is no
 * recipient, and WebCrypto's error when encryption fails.
 */
export async function encryptContentChunks(o: EncryptContentOptions): Promise<Uint8Array[]> {
	const { crypto } = o;
	if (o.recipients.length === 0) throw new Error('There is no recipient to encrypt for.');
	const gcm = o.contentEncryption === 'aes-256-gcm';
	const cek = crypto.getRandomValues(new Uint8Array(32));
	try {
		const iv = crypto.getRandomValues(new Uint8Array(gcm ? 12 : 16));
		const key = await crypto.subtle.importKey('raw', cek, gcm ? 'AES-GCM' : 'AES-CBC', false, ['encrypt']);
		const params: AesGcmParams | AesCbcParams = gcm ? { name: 'AES-GCM', iv, tagLength: TAG * 8 } : { name: 'AES-CBC', iv };
		// WebCrypto copies its input and allocates the output: no copy of ours on either side.
		const out = new Uint8Array(await crypto.subtle.encrypt(params, key, bufferSource(o.content)));
		const ris: { der: Uint8Array; version: number }[] = [];
		for (const r of o.recipients) ris.push(await buildRecipientInfo(crypto, r, cek));
		const riSet = der(0x31, ...sortDer(ris.map((r) => r.der)));
		const algorithm = gcm ? algId(OID_AES256_GCM, seq(octetString(iv), derInt(TAG))) : algId(OID_AES256_CBC, octetString(iv));
		const ciphertext = gcm ? out.subarray(0, out.length - TAG) : out;
		const macHead = Uint8Array.of(0x04, TAG);
		const version = derInt(gcm ? 0 : ris.some((r) => r.version !== 0) ? 2 : 0);
		// EncryptedContentInfo up to the [0] IMPLICIT OCTET STRING header of the ciphertext.
		const eciHead = concat(derOid(OID_DATA), algorithm, tagLength(0x80, ciphertext.length));
		const eciLength = eciHead.length + ciphertext.length;
		const eciTl = tagLength(0x30, eciLength);
		const innerLength = version.length + riSet.length + eciTl.length + eciLength + (gcm ? macHead.length + TAG : 0);
		const innerTl = tagLength(0x30, innerLength);
		const explicitTl = tagLength(0xa0, innerTl.length + innerLength);
		const type = derOid(gcm ? OID_AUTH_ENVELOPED_DATA : OID_ENVELOPED_DATA);
		const outerTl = tagLength(0x30, type.length + explicitTl.length + innerTl.length + innerLength);
		const head = concat(outerTl, type, explicitTl, innerTl, version, riSet, eciTl, eciHead);
		return gcm ? [head, ciphertext, macHead, out.subarray(out.length - TAG)] : [head, ciphertext];
	} finally {
		cek.fill(0);
	}
}

/** The identifier and DER length octets of a TLV whose value is `length` bytes. */
function tagLength(tag: number, length: number): Uint8Array {
	if (length < 0x80) return Uint8Array.of(tag, length);
	const bytes: number[] = [];
	for (let x = length; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
	return Uint8Array.of(tag, 0x80 | bytes.length, ...bytes);
}

/** DER SET OF order. */
function sortDer(items: Uint8Array[]): Uint8Array[] {
	return [...items].sort((a, b) => {
		for (let i = 0; i < Math.min(a.length, b.length); i++) {
			const d = (a[i] ?? 0) - (b[i] ?? 0);
			if (d !== 0) return d;
		}
		return a.length - b.length;
	});
}

/** The same bytes as a view WebCrypto accepts, without copying unless the memory is shared. */
function bufferSource(b: Uint8Array): Uint8Array<ArrayBuffer> {
	return b.buffer instanceof ArrayBuffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
}
