/**
 * base/memory release (issue 8; in cms/release before issue 17): scratch ArrayBuffers are freed when they are done with, not at the
 * next collection. Here: release detaches what it frees and never throws, and the AES loops
 * release every WebCrypto output they have copied away, and nothing they hand on.
 */
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { contentAlgorithm, decryptWithCek } from '../../src/lib/cms/content-cipher';
import { parseOne, octetString } from '../../src/lib/cms/enveloped-asn1';
import { prepareEnvelope } from '../../src/lib/cms/enveloped';
import { OID_AES256_CBC, OID_AES256_GCM } from '../../src/lib/base/oids';
import { own, release } from '../../src/lib/base/memory';
import { PKI, readPem } from '../cms/enveloped-helpers';
import { pattern } from '../bytes-helpers';


/** The platform's crypto, recording what encrypt and decrypt are given and what they return. */
function recordingCrypto(): { crypto: Crypto; inputs: ArrayBufferLike[]; outputs: ArrayBuffer[] } {
	const inputs: ArrayBufferLike[] = [];
	const outputs: ArrayBuffer[] = [];
	const real = globalThis.crypto.subtle;
	const subtle = new Proxy(real, {
		get(target, name) {
			const value: unknown = Reflect.get(target, name);
			if (typeof value !== 'function') return value;
			if (name !== 'encrypt' && name !== 'decrypt') return value.bind(target) as unknown;
			return async (...args: unknown[]) => {
				const data = args[2];
				if (ArrayBuffer.isView(data)) inputs.push(data.buffer);
				const out = (await Reflect.apply(value, target, args)) as ArrayBuffer;
				outputs.push(out);
				return out;
			};
		}
	});
	const crypto = { subtle, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) } as Crypto;
	return { crypto, inputs, outputs };
}

describe('release', () => {
	test('detaches the buffer it frees', () => {
		const bytes = pattern(1000, 1);
		release(bytes.buffer);
		expect(bytes.buffer.byteLength).toBe(0);
		expect(bytes.length).toBe(0);
	});

	test('leaves alone what it cannot free, without throwing: an empty or detached buffer, a SharedArrayBuffer', () => {
		const empty = new ArrayBuffer(0);
		expect(() => {
			release(empty);
		}).not.toThrow();
		const gone = new ArrayBuffer(8);
		release(gone);
		expect(() => {
			release(gone);
		}).not.toThrow();
		const shared = new SharedArrayBuffer(8);
		release(shared);
		expect(shared.byteLength).toBe(8);
	});
});

describe('the AES loops release their scratch outputs', () => {
	const SLICE = 64 * 1024;
	const key = pattern(32, 1);
	const iv = pattern(16, 2);
	const cbc = contentAlgorithm(OID_AES256_CBC);
	if (!cbc) throw new Error('AES-256-CBC is missing');

	test('CBC decryption in slices: every output is released once copied, and the plaintext is right, in place and not', async () => {
		const data = pattern(3 * SLICE + 100, 3);
		const k = await crypto.subtle.importKey('raw', key, 'AES-CBC', false, ['encrypt']);
		const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, k, data));
		for (const inPlace of [false, true]) {
			const { crypto: recording, outputs } = recordingCrypto();
			const plain = await decryptWithCek(recording, key, { alg: cbc, params: parseOne(octetString(iv)), ciphertext: inPlace ? own(ciphertext.slice()) : ciphertext.slice() });
			expect(plain && Buffer.from(plain).equals(Buffer.from(data))).toBe(true);
			// The last slice, then per middle slice a padding block and the slice.
			expect(outputs.length).toBe(1 + 2 * 3);
			expect(outputs.every((o) => o.byteLength === 0)).toBe(true);
		}
	});

	test('CBC decryption in one call (content up to a slice) hands on WebCrypto output, not released', async () => {
		const data = pattern(1000, 4);
		const k = await crypto.subtle.importKey('raw', key, 'AES-CBC', false, ['encrypt']);
		const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, k, data));
		const { crypto: recording, outputs } = recordingCrypto();
		const plain = await decryptWithCek(recording, key, { alg: cbc, params: parseOne(octetString(iv)), ciphertext });
		expect(plain).toEqual(data);
		expect(outputs).toHaveLength(1);
		expect(plain?.buffer).toBe(outputs[0]);
	});

	test('GCM decryption releases the joined ciphertext and tag it made, and returns the plaintext', async () => {
		const gcm = contentAlgorithm(OID_AES256_GCM);
		if (!gcm) throw new Error('AES-256-GCM is missing');
		const nonce = pattern(12, 5);
		const data = pattern(5000, 6);
		const k = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
		const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, k, data));
		const ciphertext = sealed.slice(0, -16);
		const { crypto: recording, inputs } = recordingCrypto();
		// GCMParameters: SEQUENCE { OCTET STRING nonce } (the ICV length defaults to 12; ours is 16).
		const params = parseOne(Uint8Array.of(0x30, 0x11, 0x04, 0x0c, ...nonce, 0x02, 0x01, 0x10));
		const plain = await decryptWithCek(recording, key, { alg: gcm, params, ciphertext, mac: sealed.slice(-16) });
		expect(plain).toEqual(data);
		expect(inputs).toHaveLength(1);
		expect(inputs[0]?.byteLength).toBe(0);
		// The caller's ciphertext is untouched.
		expect(ciphertext).toEqual(sealed.subarray(0, -16));
	});

	test('CBC and GCM encryption release every output once the sink has taken it, and GCM the content it read from a source', async () => {
		// PKCS#1 v1.5 key transport does not go through subtle.encrypt: every output recorded is AES.
		const recipients = [{ certificate: readPem(join(PKI, 'bob.pem')), keyTransport: 'rsa-pkcs1' as const }];
		const content = pattern(600 * 1024 + 7, 7);
		for (const contentEncryption of ['aes-256-cbc', 'aes-256-gcm'] as const) {
			for (const fromSource of [false, true]) {
				let at = 0;
				const readInto: ArrayBufferLike[] = [];
				const source = {
					length: content.length,
					read(into: Uint8Array): Promise<number> {
						readInto.push(into.buffer);
						const n = Math.min(into.length, content.length - at);
						into.set(content.subarray(at, at + n));
						at += n;
						return Promise.resolve(n);
					}
				};
				const { crypto: recording, outputs } = recordingCrypto();
				const env = await prepareEnvelope({ content: fromSource ? source : content, recipients, contentEncryption, crypto: recording });
				const der = new Uint8Array(env.length);
				let o = 0;
				await env.write((p) => {
					der.set(p, o);
					o += p.length;
				});
				const what = `${contentEncryption}, ${fromSource ? 'source' : 'bytes'}`;
				expect(o, what).toBe(env.length);
				expect(outputs.length, what).toBe(contentEncryption === 'aes-256-cbc' ? 3 : 1);
				expect(outputs.every((b) => b.byteLength === 0), what).toBe(true);
				// The caller's content is never released; a GCM source was read into a buffer of ours, released.
				expect(content.length, what).toBe(600 * 1024 + 7);
				if (fromSource && contentEncryption === 'aes-256-gcm') expect(readInto.map((b) => b.byteLength), what).toEqual([0]);
			}
		}
	});
});
