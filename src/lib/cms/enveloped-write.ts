/**
 * Writing EnvelopedData (AES-256-CBC) and AuthEnvelopedData (AES-256-GCM, RFC 5083) for sending.
 *
 * The envelope is prepared first (content key, recipient infos, the DER header, whose lengths
 * follow from the content length), then written to a sink in order: the header, the
 * ciphertext, the GCM tag. Their concatenation is the ContentInfo. A caller that base64-encodes
 * it (S/MIME) consumes the pieces as they come, so a large message is never re-encoded or
 * copied here.
 *
 * AES-CBC is encrypted in slices chained by their IVs (each slice's IV is the last ciphertext
 * block before it; WebCrypto's padding block of a middle slice is dropped), which gives the
 * same ciphertext as one call: WebCrypto copies its input and allocates its output, and small
 * slices reuse memory where one call would touch two fresh buffers the size of the message.
 * AES-GCM is one call (its tag covers everything).
 */
import { bufferSource, concatBytes } from '../base/bytes';
import { algId, der, derInt, derOid, octetString, seq } from './enveloped-asn1';
import { OID_AES256_CBC, OID_AES256_GCM, OID_AUTH_ENVELOPED_DATA, OID_DATA, OID_ENVELOPED_DATA } from '../base/oids';
import { buildRecipientInfo, type EncryptRecipient } from './recipients-encrypt';
import { release } from '../base/memory';

/** Content produced in order into the reader's buffer, for content never held whole. */
export interface ContentSource {
	/** The total length. */
	readonly length: number;
	/**
	 * Fills `into` from its start with the next bytes and resolves to how many; fewer only at
	 * the end. A rejection fails {@link EnvelopeWriter.write} with the same error.
	 */
	read(into: Uint8Array): Promise<number>;
}

/** Options of {@link prepareEnvelope}. */
export interface EncryptContentOptions {
	/** The bytes, or a source read once in order during {@link EnvelopeWriter.write}. */
	content: Uint8Array | ContentSource;
	recipients: EncryptRecipient[];
	contentEncryption: 'aes-256-cbc' | 'aes-256-gcm';
	crypto: Crypto;
	/** Bytes per AES-CBC slice, a multiple of 16 (default 256 KiB); for tests. */
	sliceSize?: number;
}

/** A prepared envelope: its DER length, and the encryption that writes it. */
export interface EnvelopeWriter {
	/** The length of the ContentInfo DER. */
	readonly length: number;
	/**
	 * Encrypts the content and passes the DER to `sink` piece by piece, in order. The sink
	 * must use each piece before it returns: a piece's memory may be released after it. Runs once.
	 * @throws Error from WebCrypto when encryption fails, or when called twice; the source's
	 *   own error when reading it fails
	 */
	write(sink: (piece: Uint8Array) => void): Promise<void>;
}

/** GCM tag length in bytes (aes-ICVlen). */
const TAG = 16;
/** AES block size. */
const BLOCK = 16;
const SLICE = 256 * 1024;

/**
 * Prepares EnvelopedData with AES-256-CBC (random 16-byte IV), or AuthEnvelopedData with
 * AES-256-GCM (random 12-byte nonce, 16-byte tag, no authAttrs), for every recipient. The
 * content must not change until {@link EnvelopeWriter.write} has finished; a source is read
 * then (whole into one buffer for GCM, slice by slice into one reused buffer for CBC).
 * Throws RecipientKeyError for an unusable recipient certificate, Error when there is no
 * recipient, RangeError for a bad slice size.
 */
export async function prepareEnvelope(o: EncryptContentOptions): Promise<EnvelopeWriter> {
	const { crypto, content } = o;
	const sliceSize = o.sliceSize ?? SLICE;
	if (sliceSize <= 0 || sliceSize % BLOCK !== 0) throw new RangeError('The slice size must be a positive multiple of 16.');
	if (o.recipients.length === 0) throw new Error('There is no recipient to encrypt for.');
	const gcm = o.contentEncryption === 'aes-256-gcm';
	const cek = crypto.getRandomValues(new Uint8Array(32));
	let key: CryptoKey;
	let iv: Uint8Array<ArrayBuffer>;
	const ris: { der: Uint8Array; version: number }[] = [];
	try {
		iv = crypto.getRandomValues(new Uint8Array(gcm ? 12 : BLOCK));
		key = await crypto.subtle.importKey('raw', cek, gcm ? 'AES-GCM' : 'AES-CBC', false, ['encrypt']);
		for (const r of o.recipients) ris.push(await buildRecipientInfo(crypto, r, cek));
	} finally {
		cek.fill(0);
	}
	const riSet = der(0x31, ...sortDer(ris.map((r) => r.der)));
	const algorithm = gcm ? algId(OID_AES256_GCM, seq(octetString(iv), derInt(TAG))) : algId(OID_AES256_CBC, octetString(iv));
	const ciphertextLength = gcm ? content.length : content.length - (content.length % BLOCK) + BLOCK;
	const macHead = Uint8Array.of(0x04, TAG);
	const version = derInt(gcm ? 0 : ris.some((r) => r.version !== 0) ? 2 : 0);
	// EncryptedContentInfo up to the [0] IMPLICIT OCTET STRING header of the ciphertext.
	const eciHead = concatBytes([derOid(OID_DATA), algorithm, tagLength(0x80, ciphertextLength)]);
	const eciLength = eciHead.length + ciphertextLength;
	const eciTl = tagLength(0x30, eciLength);
	const innerLength = version.length + riSet.length + eciTl.length + eciLength + (gcm ? macHead.length + TAG : 0);
	const innerTl = tagLength(0x30, innerLength);
	const explicitTl = tagLength(0xa0, innerTl.length + innerLength);
	const type = derOid(gcm ? OID_AUTH_ENVELOPED_DATA : OID_ENVELOPED_DATA);
	const outerLength = type.length + explicitTl.length + innerTl.length + innerLength;
	const outerTl = tagLength(0x30, outerLength);
	const head = concatBytes([outerTl, type, explicitTl, innerTl, version, riSet, eciTl, eciHead]);
	let used = false;
	return {
		length: outerTl.length + outerLength,
		async write(sink) {
			if (used) throw new Error('The envelope has been written already.');
			used = true;
			sink(head);
			if (gcm) {
				const whole = content instanceof Uint8Array ? content : await readExactly(content, new Uint8Array(content.length));
				// WebCrypto copies its input and allocates the output: no copy of ours on either side.
				const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: TAG * 8 }, key, bufferSource(whole)));
				if (whole !== content) release(whole.buffer);
				sink(out.subarray(0, out.length - TAG));
				sink(macHead);
				sink(out.subarray(out.length - TAG));
				release(out.buffer);
				return;
			}
			let chain: Uint8Array<ArrayBuffer> = iv;
			// WebCrypto copies its input when called, so one buffer serves every slice of a source.
			const staging = content instanceof Uint8Array ? null : new Uint8Array(Math.min(sliceSize, content.length));
			for (let at = 0; ; at += sliceSize) {
				const last = content.length - at <= sliceSize;
				const end = last ? content.length : at + sliceSize;
				// A middle slice is whole blocks; its output ends with a padding block, dropped.
				const slice = bufferSource(staging ? await readExactly(content as ContentSource, staging.subarray(0, end - at)) : (content as Uint8Array).subarray(at, end));
				const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: chain }, key, slice));
				const keep = last ? out : out.subarray(0, out.length - BLOCK);
				sink(keep);
				if (last) {
					release(out.buffer);
					return;
				}
				chain = out.slice(keep.length - BLOCK, keep.length);
				// The sink has copied it: free it now, not at a collection (see release).
				release(out.buffer);
			}
		}
	};
}

/** Fills `into` from the source. Throws Error when the source ends early. */
async function readExactly(source: ContentSource, into: Uint8Array): Promise<Uint8Array> {
	if ((await source.read(into)) !== into.length) throw new Error('The content ended before its length.');
	return into;
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
