/**
 * cms/enveloped-write: the envelope written piece by piece (AES-CBC in slices chained by IV) is
 * byte for byte the envelope of one WebCrypto call, built the way encryptContent built it before.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { decryptContent, encryptContent, prepareEnvelope } from '../../src/lib/cms/enveloped';
import type { EncryptRecipient } from '../../src/lib/cms/recipients-encrypt';
import { PKI, pkiCandidate, readPem } from './enveloped-helpers';
import { oneCallEnvelope, seededCrypto } from './enveloped-write-helpers';

async function written(content: Uint8Array, recipients: EncryptRecipient[], gcm: boolean, crypto: Crypto, sliceSize?: number): Promise<{ der: Uint8Array; pieces: number }> {
	const env = await prepareEnvelope({ content, recipients, contentEncryption: gcm ? 'aes-256-gcm' : 'aes-256-cbc', crypto, ...(sliceSize ? { sliceSize } : {}) });
	const out = new Uint8Array(env.length);
	let at = 0;
	let pieces = 0;
	await env.write((p) => {
		out.set(p, at);
		at += p.length;
		pieces++;
	});
	expect(at).toBe(env.length);
	return { der: out, pieces };
}

const cert = (name: string): Uint8Array => readPem(join(PKI, `${name}.pem`));
/** PKCS#1 v1.5 key transport draws its padding from getRandomValues, so it is reproducible. */
const RSA: EncryptRecipient[] = [{ certificate: cert('bob'), keyTransport: 'rsa-pkcs1' }, { certificate: cert('alice'), keyTransport: 'rsa-pkcs1' }];

describe('prepareEnvelope', () => {
	test('every content length around the slice edges gives the one-call envelope, for CBC and GCM', async () => {
		for (const gcm of [false, true]) {
			for (const sliceSize of [16, 32, 48]) {
				for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 95, 96, 97, 160]) {
					const content = new Uint8Array(n).map((_, i) => (i * 29 + n) & 0xff);
					const seed = n * 100 + sliceSize + (gcm ? 1 : 0);
					const expected = await oneCallEnvelope(content, RSA, gcm, seededCrypto(seed));
					const got = await written(content, RSA, gcm, seededCrypto(seed), sliceSize);
					expect(Buffer.from(got.der).equals(Buffer.from(expected)), `${gcm ? 'gcm' : 'cbc'} n=${String(n)} slice=${String(sliceSize)}`).toBe(true);
					// The header, then one piece per slice (at least one: empty content still has a padding block).
					if (!gcm) expect(got.pieces).toBe(1 + Math.max(1, Math.ceil(n / sliceSize)));
				}
			}
		}
	});

	test('random content and slice sizes: the same bytes as one call, and the recipient decrypts it', async () => {
		const bob = await pkiCandidate('bob');
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.integer(), async (content, blocks, gcm, seed) => {
				const expected = await oneCallEnvelope(content, RSA, gcm, seededCrypto(seed));
				const got = await written(content, RSA, gcm, seededCrypto(seed), blocks * 16);
				expect(got.der).toEqual(expected);
				const r = await decryptContent({ der: got.der, candidates: [bob], crypto: globalThis.crypto });
				expect(r.status).toBe('decrypted');
				if (r.status === 'decrypted') expect(r.content).toEqual(content);
			}),
			{ numRuns: 60 }
		);
	});

	test('the default slices (several at 600 KB) decrypt to the content, and encryptContent is the same DER', async () => {
		const content = new Uint8Array(600 * 1024 + 7).map((_, i) => (i * 2654435761) >>> 24);
		const got = await written(content, RSA, false, seededCrypto(9));
		expect(got.pieces).toBe(1 + 3);
		expect(got.der).toEqual(await oneCallEnvelope(content, RSA, false, seededCrypto(9)));
		expect(await encryptContent({ content, recipients: RSA, contentEncryption: 'aes-256-cbc', crypto: seededCrypto(9) })).toEqual(got.der);
		const r = await decryptContent({ der: got.der, candidates: [await pkiCandidate('alice')], crypto: globalThis.crypto });
		expect(r.status === 'decrypted' && Buffer.from(r.content).equals(Buffer.from(content))).toBe(true);
	});

	test('the content is read from a view into a larger buffer, not from the whole buffer', async () => {
		const backing = new Uint8Array(100).fill(0xaa);
		backing.set(new Uint8Array(40).fill(7), 30);
		const view = backing.subarray(30, 70);
		const got = await written(view, RSA, false, seededCrypto(3), 16);
		expect(got.der).toEqual(await oneCallEnvelope(view.slice(), RSA, false, seededCrypto(3)));
	});

	test('refuses no recipient, a bad slice size, and a second write', async () => {
		await expect(prepareEnvelope({ content: new Uint8Array(1), recipients: [], contentEncryption: 'aes-256-cbc', crypto })).rejects.toThrow('There is no recipient to encrypt for.');
		await expect(prepareEnvelope({ content: new Uint8Array(1), recipients: RSA, contentEncryption: 'aes-256-cbc', crypto, sliceSize: 20 })).rejects.toThrow(RangeError);
		const env = await prepareEnvelope({ content: new Uint8Array(1), recipients: RSA, contentEncryption: 'aes-256-cbc', crypto });
		await env.write(() => undefined);
		await expect(env.write(() => undefined)).rejects.toThrow('The envelope has been written already.');
	});

	test('a content source gives the same envelope as the bytes, read once in order, for CBC and GCM', async () => {
		const content = new Uint8Array(1000).map((_, i) => (i * 13) & 0xff);
		for (const gcm of [false, true]) {
			for (const sliceSize of [16, 160, 4096]) {
				let at = 0;
				const source = {
					length: content.length,
					read(into: Uint8Array): Promise<number> {
						const n = Math.min(into.length, content.length - at);
						into.set(content.subarray(at, at + n));
						at += n;
						return Promise.resolve(n);
					}
				};
				const env = await prepareEnvelope({ content: source, recipients: RSA, contentEncryption: gcm ? 'aes-256-gcm' : 'aes-256-cbc', crypto: seededCrypto(4), sliceSize });
				const chunks: Uint8Array[] = [];
				await env.write((p) => chunks.push(p.slice()));
				expect(Buffer.concat(chunks)).toEqual(Buffer.from((await written(content, RSA, gcm, seededCrypto(4), sliceSize)).der));
				expect(at).toBe(content.length);
			}
		}
	});

	test('a source that ends early is an error, not a short envelope', async () => {
		const source = { length: 100, read: (into: Uint8Array): Promise<number> => Promise.resolve(Math.min(into.length, 40)) };
		const env = await prepareEnvelope({ content: source, recipients: RSA, contentEncryption: 'aes-256-cbc', crypto, sliceSize: 64 });
		await expect(env.write(() => undefined)).rejects.toThrow('The content ended before its length.');
	});
});
