/**
 * Attack: timing or power traces of the raw RSA step (issue 16). Square-and-multiply walks the
 * private exponent's bits; with the same exponent on every call, measurements add up. Each call
 * now uses dP + k·(p−1) and dQ + k'·(q−1) with fresh random k, k': the exponents differ on
 * every call and follow the random source, and decryption stays exact (against openssl).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, test } from 'vitest';
import { rsaDecryptRaw, rsaPkcs1DecryptImplicit, type BlindedExponents } from '../../src/lib/legacy/rsa-pkcs1';
import { PKI, readPem } from '../cms/enveloped-helpers';

const binary = (b: Uint8Array): string => Array.from(b, (x) => String.fromCharCode(x)).join('');
const keyDer = readPem(join(PKI, 'bob.key'));
const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(binary(keyDer)));
const p = BigInt(`0x${key.p.toString(16)}`);
const q = BigInt(`0x${key.q.toString(16)}`);
const dP = BigInt(`0x${key.dP.toString(16)}`);
const dQ = BigInt(`0x${key.dQ.toString(16)}`);

/** A crypto whose random bytes come from a seeded generator (xorshift), for an injectable random source. */
function seededCrypto(seed: number): Crypto {
	let s = seed >>> 0 || 1;
	const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
		if (!array) return array;
		const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
		for (let i = 0; i < bytes.length; i++) {
			s ^= s << 13;
			s ^= s >>> 17;
			s ^= s << 5;
			bytes[i] = s & 0xff;
		}
		return array;
	};
	return { getRandomValues, subtle: crypto.subtle, randomUUID: () => crypto.randomUUID() };
}

/** A PKCS#1 v1.5 encryption of `message` to bob made by openssl. */
function opensslEncrypt(message: Uint8Array): Uint8Array {
	const cert = join(PKI, 'bob.pem');
	return new Uint8Array(execFileSync('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', cert, '-pkeyopt', 'rsa_padding_mode:pkcs1'], { input: message }));
}

describe('RSA exponent blinding', () => {
	test('every call uses other exponents, each congruent to dP mod p−1 and dQ mod q−1', () => {
		const c = opensslEncrypt(new Uint8Array(32).fill(9));
		const used: BlindedExponents[] = [];
		const outputs = new Set<string>();
		for (let i = 0; i < 20; i++) outputs.add(Buffer.from(rsaDecryptRaw(key, c, crypto, (u) => used.push(u))).toString('hex'));
		expect(outputs.size).toBe(1);
		expect(new Set(used.map((u) => u.dP)).size).toBe(20);
		expect(new Set(used.map((u) => u.dQ)).size).toBe(20);
		for (const u of used) {
			expect(u.dP).not.toBe(dP);
			expect(u.dP % (p - 1n)).toBe(dP);
			expect(u.dQ % (q - 1n)).toBe(dQ);
		}
	});

	test('the exponents follow the injected random source: the same seed gives the same, another seed others', () => {
		const c = opensslEncrypt(new Uint8Array(24).fill(3));
		const run = (seed: number): { used: BlindedExponents; out: string } => {
			const traced: BlindedExponents[] = [];
			const out = Buffer.from(rsaDecryptRaw(key, c, seededCrypto(seed), (u) => traced.push(u))).toString('hex');
			const [used] = traced;
			if (traced.length !== 1 || !used) throw new Error('one trace expected');
			return { used, out };
		};
		const a = run(1);
		const again = run(1);
		const b = run(2);
		expect(again.used).toEqual(a.used);
		expect(b.used.dP).not.toBe(a.used.dP);
		expect(b.used.dQ).not.toBe(a.used.dQ);
		expect(b.out).toBe(a.out);
	});

	test('openssl-encrypted keys of every CEK size decrypt exactly, call after call', async () => {
		for (const length of [16, 24, 32]) {
			const cek = crypto.getRandomValues(new Uint8Array(length));
			const c = opensslEncrypt(cek);
			for (let i = 0; i < 3; i++) expect(Buffer.from(await rsaPkcs1DecryptImplicit(keyDer, c, length, crypto)).equals(Buffer.from(cek))).toBe(true);
		}
	});
});
