/**
 * Attack (issue 15, point 7): a body of 50 MB of empty lines inside 32 levels of multipart.
 * Every level searches its whole body for its own delimiter, and every empty line is a place
 * where one could start, so each reading pass (part count, S/MIME scan, display, nested parts)
 * looked at 32 × 25 million line starts: several seconds a pass.
 *
 * Splitting now draws on one budget per parsed tree (entity.ts, two units per byte of the top
 * entity, shared by every part split from it and by attached messages): past it the MIME layer stops with its
 * TOO_COSTLY sentence, the comment says so, and the display falls back to postal-mime within
 * its line cap. Honest mail, a 50 MB attachment five levels deep, stays far inside the budget.
 */
import { describe, expect, test } from 'vitest';
import { MimeError } from '../../src/lib/mime/errors';
import { parseEntity, parts, SPLIT_UNITS_PER_BYTE, splitBudget, TOO_COSTLY, type MimeEntity } from '../../src/lib/mime/entity';
import { BOUND_MS, flood, receive } from './mime-flood-helpers';

/** Splits every multipart below `top`, depth first, as the readers do. */
function splitAll(top: MimeEntity): number {
	let count = 0;
	const visit = (e: MimeEntity): void => {
		for (const child of parts(e)) {
			count++;
			visit(child);
		}
	};
	visit(top);
	return count;
}

const levels = (n: number, inner: string): string =>
	Array.from({ length: n }, (_, i) => `Content-Type: multipart/mixed; boundary="b${String(i)}"\r\n\r\n--b${String(i)}\r\n`).join('') + inner;

describe('nested multiparts around 50 MB of empty lines', () => {
	const { raw } = flood(levels(31, 'Content-Type: text/plain\r\n\r\nDeep.\r\n'), '\r\n');

	test('splitting stops with the exact sentence once the tree has spent its budget', () => {
		const top = parseEntity(raw);
		expect(() => splitAll(top)).toThrow(new MimeError(TOO_COSTLY));
		// The work done is the budget and at most one more level's search, not 31 levels × 25 million lines.
		expect(top.budget.left).toBeLessThan(0);
		expect(top.budget.left).toBeGreaterThan(-raw.length / 2 - 1);
	});

	test('one level of nothing but empty lines is within the budget: only nesting exhausts it', () => {
		const { raw: flat } = flood('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n', '\r\n', '--b--\r\n');
		expect(splitAll(parseEntity(flat))).toBe(1);
	});

	test('a fresh parse gets a fresh budget; parts split from it share it', () => {
		const budget = splitBudget(1000);
		const top = parseEntity(raw, 0, budget);
		expect(() => splitAll(top)).toThrow(TOO_COSTLY);
		expect(parseEntity(raw).budget.left).toBe(SPLIT_UNITS_PER_BYTE * raw.length);
	});

	test('desk.receive finishes, says why, and stores the message', async () => {
		const { article, ms } = await receive(raw);
		expect(article.security.sign.status).toBe('none');
		expect(article.security.sign.comment).toContain(TOO_COSTLY);
		expect(article.text.startsWith('Deep.\n')).toBe(true);
		expect(ms).toBeLessThan(BOUND_MS);
	});
});

describe('honest mail stays inside the budget', () => {
	test('a 50 MB base64 attachment five levels deep is split whole, with nine tenths of the budget left', () => {
		const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n';
		const head = levels(4, 'Content-Type: multipart/mixed; boundary="b4"\r\n\r\n--b4\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n--b4\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n');
		const { raw } = flood(head, line, '--b4--\r\n');
		const top = parseEntity(raw);
		expect(splitAll(top)).toBe(6);
		expect(top.budget.left).toBeGreaterThan(0.9 * SPLIT_UNITS_PER_BYTE * raw.length);
	});
});
