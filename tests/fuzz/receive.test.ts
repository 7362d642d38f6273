/**
 * Fuzz (issue 9): the whole desk.receive() over mutated mails (signed, encrypted to RSA and
 * EC keys, sign then encrypt, plain multipart). It never rejects, always gives a sign and an
 * encryption status with a comment, stores exactly one article per mail, keeps what it shows
 * bounded by the input, and takes under 2 s per 100 KB.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { loadPki } from '../smime/mail';
import { freshDesk } from '../desk/receive-helpers';
import { check, timeLimit } from './config';
import { seedMails } from './corpus';
import { mailMutation } from './mutate';

const SIGN = ['none', 'valid', 'untrusted', 'invalid', 'expired', 'sender-mismatch'];
const ENCRYPTION = ['none', 'decrypted', 'no-key', 'failed'];

test('mutated mails through receive: a status with a comment, stored once, bounded, in time', async () => {
	const { desk } = await freshDesk({ now: new Date('2026-11-29T12:00:00Z') });
	await loadPki(desk, ['bob', 'carol']);
	const seeds = seedMails();
	for (const seed of seeds) {
		const a = await desk.receive(seed.data);
		expect(a.security.encryption.status, seed.name).not.toBe('failed');
		expect(a.security.sign.status, seed.name).not.toBe('invalid');
	}
	let stored = (await desk.logs()).filter((l) => l.direction === 'in').length;
	await check(
		fc.asyncProperty(fc.constantFrom(...seeds), mailMutation(), async (seed, mutation) => {
			const raw = mutation.apply(seed.data);
			const started = performance.now();
			const a = await desk.receive(raw);
			expect(performance.now() - started).toBeLessThan(timeLimit(raw.length));
			expect(SIGN).toContain(a.security.sign.status);
			expect(ENCRYPTION).toContain(a.security.encryption.status);
			expect(a.security.sign.comment.length).toBeGreaterThan(0);
			expect(a.security.encryption.comment.length).toBeGreaterThan(0);
			const shown = a.text.length + (a.html?.length ?? 0) + a.attachments.reduce((n, x) => n + x.size, 0);
			expect(shown).toBeLessThanOrEqual(raw.length * 4 + 1024);
			stored++;
			expect(await desk.getArticle(a.id)).not.toBeNull();
		}),
		400
	);
	expect((await desk.logs()).filter((l) => l.direction === 'in')).toHaveLength(stored);
	const heap = process.memoryUsage().heapUsed;
	expect(heap).toBeLessThan(1.5 * 1024 ** 3);
	// 400 cases take ~23 s alone; each case has its own bound above, so the whole run gets room
	// for a loaded CI machine instead of the 30 s default.
}, 120_000);
