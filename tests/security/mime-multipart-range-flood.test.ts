/**
 * Attack (issue 15, point 7): 50 MB of short lines where postal-mime reads and drops them: a
 * multipart's preamble, its epilogue, or the body of a multipart without a boundary or without
 * any delimiter. postal-mime gives each such line to the multipart's own decoder (about 17 µs a
 * line) and never uses it. These ranges are now left out of what postal-mime is given
 * (display.ts), unless a line in them starts with "--" (were the boundary read otherwise, it
 * could be a delimiter).
 *
 * Whatever else makes our reading and postal-mime's differ (such a range of "--" lines, nesting
 * deeper than we split, ...), postal-mime is never given more than MAX_READ_LINES lines: the
 * start of the message is shown, followed by the NOT_ALL_SHOWN sentence.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { MAX_READ_LINES, NOT_ALL_SHOWN, toDisplay } from '../../src/lib/mime/display';
import { withHeaders } from '../smime/mail';
import { BOUND_MS, counted, expectSameAsPostal, flood, receive, SMALL } from './mime-flood-helpers';

afterEach(() => {
	vi.restoreAllMocks();
});

const MB8 = 8 * 1024 * 1024;

describe('desk.receive of 50 MB of lines that postal-mime reads and drops', () => {
	test('a preamble of empty lines', async () => {
		const { raw } = flood('Content-Type: multipart/mixed; boundary="b"\r\n\r\n', '\r\n', '--b\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n--b--\r\n');
		expect(raw.length).toBeGreaterThan(49 * 1024 * 1024);
		const { article, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(100);
		expect(article.text).toBe('The text.\n');
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test('an epilogue of "a" lines', async () => {
		const { raw } = flood('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n--b--\r\n', 'a\r\n');
		const { article, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(100);
		expect(article.text).toBe('The text.\n');
		expect(ms).toBeLessThan(BOUND_MS);
	});
});

describe('toDisplay of 8 MB of such lines', () => {
	test('a multipart without a boundary: nothing shown, as postal-mime shows nothing of it', async () => {
		const { raw } = flood('Content-Type: multipart/mixed\r\n\r\n', '\r\n', 'x\r\n', MB8);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(100);
		expect(display).toEqual({ text: '', attachments: [] });
	});

	test('a multipart whose boundary never occurs, nested in another', async () => {
		const { raw } = flood('Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nOuter.\r\n--o\r\nContent-Type: multipart/alternative; boundary="i"\r\n\r\n', 'a\r\n', '--o--\r\n', MB8);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(100);
		expect(display.text).toBe('Outer.\n');
	});

	test('the epilogue of a nested multipart', async () => {
		const { raw } = flood(
			'Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary="i"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nInner.\r\n--i--\r\n',
			'\r\n',
			'--o\r\nContent-Type: text/plain\r\n\r\nAfter.\r\n--o--\r\n',
			MB8
		);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(100);
		expect(display.text).toBe('Inner.\n\nAfter.\n');
	});

	test('a preamble of "--" lines is kept, and meets the line cap: the start is shown, then the sentence', async () => {
		const { raw } = flood('Content-Type: multipart/mixed; boundary="b"\r\n\r\n', '--x\r\n', '--b\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n--b--\r\n', MB8);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(MAX_READ_LINES * 6);
		expect(linesParsed).toBe(MAX_READ_LINES);
		expect(display.text).toBe(NOT_ALL_SHOWN);
	});

	test('nesting deeper than the MIME layer splits, around a text of empty lines: the line cap holds', async () => {
		const open = Array.from({ length: 40 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${String(i)}"\r\n\r\n--b${String(i)}\r\n`).join('');
		// 2 MB: each of the 32 levels split rescans the body (entity.ts), which is not what this test is about.
		const { raw } = flood(`${open}Content-Type: text/plain\r\n\r\nDeep.\r\n`, '\r\n', '', 2 * 1024 * 1024);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(MAX_READ_LINES * 6);
		expect(linesParsed).toBe(MAX_READ_LINES);
		expect(display.text.startsWith('Deep.\n\n')).toBe(true);
		expect(display.text.endsWith(`\n\n${NOT_ALL_SHOWN}`)).toBe(true);
	});

	test('a message that just fits the line cap is read whole, without the sentence', async () => {
		const lines = MAX_READ_LINES - 100;
		const raw = withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n${'--x\r\n'.repeat(lines)}--b\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n--b--\r\n`);
		const { display, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(linesParsed).toBeLessThanOrEqual(MAX_READ_LINES);
		expect(display.text).toBe('The text.\n');
	});
});

describe('honest preambles and epilogues: the same display as postal-mime alone', () => {
	test.each([
		['a preamble and an epilogue', 'Content-Type: multipart/mixed; boundary="b"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHi.\r\n--b--\r\nBye.\r\n'],
		['bare LF line breaks', 'Content-Type: multipart/mixed; boundary="b"\n\npre\n--b\nContent-Type: text/plain\n\nHi.\n--b--  \nepi\n'],
		['a nested multipart with its own preamble and epilogue', 'Content-Type: multipart/mixed; boundary="o"\r\n\r\npre\r\n--o\r\nContent-Type: multipart/alternative; boundary="i"\r\n\r\nipre\r\n--i\r\nContent-Type: text/plain\r\n\r\nA.\r\n--i--\r\niepi\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nB.\r\n--o--\r\n'],
		['a multipart without a boundary beside a text', 'Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: multipart/related\r\n\r\nlost\r\n--o\r\nContent-Type: text/plain\r\n\r\nKept.\r\n--o--\r\n'],
		['an unclosed multipart', 'Content-Type: multipart/mixed; boundary="b"\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nHi.\r\n']
	])('%s', async (_name, body) => {
		await expectSameAsPostal(withHeaders(body));
	});
});
