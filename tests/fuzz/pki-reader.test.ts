/**
 * Fuzz (issue 9): the certificate and key reader (pki readInput) over mutations of valid
 * certificates, bundles, keys and PKCS#12 files. It resolves, or rejects with an ImportError
 * (a user-facing sentence), never anything else, within 2 s per 100 KB.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readInput } from '../../src/lib/pki/read';
import { ImportError } from '../../src/lib/pki/errors';
import { freshDesk } from '../desk/import-helpers';
import { storeSnapshot } from '../reliability/snapshot';
import { check, timeLimit } from './config';
import { seedKeyFiles } from './corpus';
import { bitFlips, derMutation, duplicateHeader, hugeBase64Line, insideBase64, lyingBerLength, missingHeader, truncation } from './mutate';

const seeds = seedKeyFiles();
/** A user-facing sentence: starts with a capital or a quoted file name, ends with a full stop. */
const SENTENCE = /^[A-Z"].*[.!]$/s;
const textMutation = fc.oneof(bitFlips, truncation, duplicateHeader, missingHeader, hugeBase64Line, insideBase64(lyingBerLength), insideBase64(bitFlips), insideBase64(truncation));

test('every seed file reads as it is', async () => {
	for (const s of seeds) {
		const r = await readInput({ name: s.name, data: s.data, ...(s.passphrase ? { passphrase: s.passphrase } : {}) }, crypto);
		expect(r.certificates.length + r.privateKeys.length, s.name).toBeGreaterThan(0);
	}
});

test('mutated certificate and key files: readInput resolves or rejects with an ImportError, in time', async () => {
	await check(
		fc.asyncProperty(fc.constantFrom(...seeds), fc.oneof(textMutation, derMutation()), fc.boolean(), async (seed, mutation, asText) => {
			const bytes = mutation.apply(seed.data);
			const data = asText ? new TextDecoder().decode(bytes) : bytes;
			const started = performance.now();
			const outcome = await readInput({ name: seed.name, data, ...(seed.passphrase ? { passphrase: seed.passphrase } : {}) }, crypto).then(
				(r) => ({ ok: true as const, r }),
				(error: unknown) => ({ ok: false as const, error })
			);
			expect(performance.now() - started).toBeLessThan(timeLimit(bytes.length));
			if (outcome.ok) {
				// Decoding never makes more than the input holds (no base64 or BER bomb).
				for (const der of [...outcome.r.certificates, ...outcome.r.privateKeys]) expect(der.length).toBeLessThanOrEqual(bytes.length);
			} else {
				expect(outcome.error, String(outcome.error)).toBeInstanceOf(ImportError);
				expect((outcome.error as ImportError).message).toMatch(SENTENCE);
			}
		}),
		250
	);
});

test('mutated files through desk.importFile: imported whole, or refused with a sentence and the store unchanged', async () => {
	const { desk } = await freshDesk();
	await check(
		fc.asyncProperty(fc.constantFrom(...seeds), fc.oneof(textMutation, derMutation()), async (seed, mutation) => {
			const data = mutation.apply(seed.data);
			const before = await storeSnapshot(desk);
			const started = performance.now();
			const outcome = await desk.importFile({ name: seed.name, data, ...(seed.passphrase ? { passphrase: seed.passphrase } : {}) }).then(
				(summary) => ({ ok: true as const, summary }),
				(error: unknown) => ({ ok: false as const, error })
			);
			expect(performance.now() - started).toBeLessThan(timeLimit(data.length));
			if (outcome.ok) {
				expect(outcome.summary.certificates.length + outcome.summary.privateKeys.length).toBeGreaterThan(0);
				// Keep the store small and the next case independent: remove what was added.
				for (const c of outcome.summary.certificates) await desk.deleteCertificate(c.fingerprint);
				for (const k of outcome.summary.privateKeys) if ((await desk.getCertificate(k.fingerprint))?.hasPrivateKey) await desk.deletePrivateKey(k.fingerprint);
			} else {
				expect(outcome.error, String(outcome.error)).toBeInstanceOf(ImportError);
				expect((outcome.error as ImportError).message).toMatch(SENTENCE);
				// Only the refusal's log entry is new (issue 19), with the sentence the admin saw.
				const after = await storeSnapshot(desk);
				expect({ ...after, logs: undefined }).toEqual({ ...before, logs: undefined });
				expect(after.logs?.at(-1)).toMatchObject({ value: { status: 'failed', detail: `"${seed.name}": ${(outcome.error as ImportError).message}` } });
			}
		}),
		150
	);
});
