/**
 * Attack (issue 15, point 7): a message with thousands of RecipientInfos for our RSA key. Each
 * one tried runs the legacy RSA PKCS#1 v1.5 decryption, a private-key operation in JavaScript:
 * 2,000 copies took about 19 s. At most MAX_TRIES_PER_KEY are now tried per key and
 * MAX_TRIES_PER_MESSAGE per message. The work is counted (legacy key openings, content
 * decryptions) rather than timed; the one time bound is the issue's own 5 s, far above what the
 * counted work costs. The envelopes are real `openssl cms -encrypt` output, multiplied.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DECRYPT_FAILED_COMMENT, MAX_TRIES_PER_KEY, MAX_TRIES_PER_MESSAGE, decryptContent } from '../../src/lib/cms/enveloped';
import type { DecryptCandidate } from '../../src/lib/cms/recipients-decrypt';
import { openDesk } from '../../src/lib/desk/desk';
import { DEFAULT_MAX_SIZE } from '../../src/lib/smime/incoming';
import { IDBFactory } from 'fake-indexeddb';
import { pkiCandidate } from '../cms/enveloped-helpers';
import '../desk/receive-helpers';
import { PKI, openssl, text, tmpFile } from '../smime/helpers';
import { content, loadPki, withHeaders } from '../smime/mail';
import { editRecipientInfos, withEncryptedKey } from '../smime/envelope-edit';

const SECRET = 'the flooded secret';

/** An EnvelopedData (DER) for bob with RSA PKCS#1 v1.5 key transport, AES-256-CBC, from openssl. */
function envelopeForBob(): Uint8Array {
	return openssl(['cms', '-encrypt', '-aes256', '-binary', '-outform', 'DER', '-recip', join(PKI, 'bob.pem'), '-in', tmpFile(content(SECRET), 'eml')]);
}

/** The envelope's own KeyTransRecipientInfo, and `n` damaged copies of it (each a different encryptedKey). */
function flooded(n: number, o: { keepReal: 'first' | 'last' | 'none' }): Uint8Array {
	return editRecipientInfos(envelopeForBob(), ([real]) => {
		if (!real) throw new Error('no RecipientInfo');
		const damaged = Array.from({ length: n }, (_, i) => {
			const key = crypto.getRandomValues(new Uint8Array(256));
			key[0] = i & 0xff; // distinct, so no two copies are the same ciphertext
			return withEncryptedKey(real, key);
		});
		return o.keepReal === 'first' ? [real, ...damaged] : o.keepReal === 'last' ? [...damaged, real] : damaged;
	});
}

/** bob as a decryption candidate whose legacy key openings are counted. */
async function countedBob(): Promise<{ candidate: DecryptCandidate; opened: () => number }> {
	const bob = await pkiCandidate('bob');
	let opened = 0;
	const open = bob.openLegacyKey;
	if (!open) throw new Error('bob has no legacy path');
	return {
		candidate: {
			...bob,
			openLegacyKey: async () => {
				opened++;
				return open();
			}
		},
		opened: () => opened
	};
}

/** A crypto whose subtle.decrypt calls are counted by algorithm (AES-GCM: the vault opening a sealed key). */
function recordingCrypto(): { crypto: Crypto; count: (name: string) => number } {
	const counts = new Map<string, number>();
	const subtle = new Proxy(crypto.subtle, {
		get(target, prop: keyof SubtleCrypto) {
			const member: unknown = Reflect.get(target, prop);
			if (typeof member !== 'function') return member;
			return (...args: unknown[]) => {
				if (prop === 'decrypt') {
					const alg = args[0] as string | { name: string };
					const name = typeof alg === 'string' ? alg : alg.name;
					counts.set(name, (counts.get(name) ?? 0) + 1);
				}
				return (member as (...a: unknown[]) => unknown).apply(target, args);
			};
		}
	});
	const recording = { subtle, getRandomValues: crypto.getRandomValues.bind(crypto), randomUUID: crypto.randomUUID.bind(crypto) } as unknown as Crypto;
	return { crypto: recording, count: (name) => counts.get(name) ?? 0 };
}

describe('the engine: tries are capped', () => {
	test(`2,000 damaged copies before the real one: at most ${String(MAX_TRIES_PER_KEY)} key operations, and failed`, async () => {
		const bob = await countedBob();
		const r = await decryptContent({ der: flooded(2000, { keepReal: 'last' }), candidates: [bob.candidate], crypto });
		expect(r).toEqual({ status: 'failed', comment: DECRYPT_FAILED_COMMENT });
		expect(bob.opened()).toBe(MAX_TRIES_PER_KEY);
	});

	test('the real one first among 2,000 copies: decrypted with one key operation', async () => {
		const bob = await countedBob();
		const r = await decryptContent({ der: flooded(2000, { keepReal: 'first' }), candidates: [bob.candidate], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(text(r.content)).toContain(SECRET);
		expect(bob.opened()).toBe(1);
	});

	test(`several keys: at most ${String(MAX_TRIES_PER_MESSAGE)} tries in the whole message`, async () => {
		// The same certificate offered as four candidates (four keys, as far as the cap can tell).
		const bobs = await Promise.all([countedBob(), countedBob(), countedBob(), countedBob()]);
		const r = await decryptContent({ der: flooded(500, { keepReal: 'none' }), candidates: bobs.map((b) => b.candidate), crypto });
		expect(r.status).toBe('failed');
		const opened = bobs.map((b) => b.opened());
		expect(opened.reduce((a, b) => a + b, 0)).toBe(MAX_TRIES_PER_MESSAGE);
		for (const n of opened) expect(n).toBeLessThanOrEqual(MAX_TRIES_PER_KEY);
	});
});

describe('desk.receive', () => {
	async function bobsDesk(): Promise<{ desk: Awaited<ReturnType<typeof openDesk>>; count: (name: string) => number }> {
		const recording = recordingCrypto();
		const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'flood', now: () => new Date(), crypto: recording.crypto });
		await desk.setEnabled(true);
		await loadPki(desk, ['bob']);
		return { desk, count: recording.count };
	}

	const mailOf = (der: Uint8Array): Uint8Array =>
		withHeaders(
			'MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
				`${(Buffer.from(der).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')}\r\n`
		);

	test('2,000 damaged RecipientInfos for our RSA key: failed with the uniform sentence, a bounded number of key operations', async () => {
		const { desk, count } = await bobsDesk();
		const before = count('AES-GCM');
		const started = performance.now();
		const a = await desk.receive(mailOf(flooded(2000, { keepReal: 'none' })));
		const took = performance.now() - started;
		expect(a.security.encryption).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
		expect(a.text).toBe('');
		expect(count('AES-GCM') - before).toBe(MAX_TRIES_PER_KEY); // one sealed-key opening per try
		expect(took).toBeLessThan(5000);
	});

	test('as many RecipientInfos for our key as fit in the size limit: the same bounded work', async () => {
		const { desk, count } = await bobsDesk();
		let ktri = 0;
		editRecipientInfos(envelopeForBob(), (ris) => {
			ktri = ris[0]?.length ?? 0;
			return ris;
		});
		// Base64 with line breaks takes 4/3 × 78/76 of the DER: fill the 50 MB limit with RecipientInfos.
		const n = Math.floor((DEFAULT_MAX_SIZE * 0.72) / ktri);
		const mail = mailOf(flooded(n, { keepReal: 'last' }));
		expect(mail.length).toBeGreaterThan(DEFAULT_MAX_SIZE * 0.9);
		expect(mail.length).toBeLessThanOrEqual(DEFAULT_MAX_SIZE);
		const before = count('AES-GCM');
		const started = performance.now();
		const a = await desk.receive(mail);
		const took = performance.now() - started;
		expect(a.security.encryption.status).toBe('failed');
		expect(count('AES-GCM') - before).toBe(MAX_TRIES_PER_KEY);
		expect(took).toBeLessThan(5000);
	}, 60_000);
});
