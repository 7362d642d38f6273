/**
 * Attack (issue 15, point 7): a calendar part of 50 MB of short lines. postal-mime makes a
 * text/calendar or application/ics leaf into an attachment from its text, with its line breaks
 * rewritten, reading it line by line: a 50 MB calendar took about a minute. Calendars are now
 * decoded outside postal-mime like any line-read leaf (display.ts), and the attachment gets the
 * bytes postal-mime would make: the text with every CRLF made LF, ending in exactly one LF, in
 * UTF-8.
 *
 * The real assertion is the work counted: postal-mime is given a small message. The honest
 * calendars below must display exactly as postal-mime alone displays them.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { withHeaders } from '../smime/mail';
import { attachment, BOUND_MS, enc, expectSameAsPostal, flood, receive, SMALL } from './mime-flood-helpers';

afterEach(() => {
	vi.restoreAllMocks();
});

const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('desk.receive of a 50 MB calendar of short lines', () => {
	test('text/calendar, 7bit, beside a short text: the attachment is the calendar text with LF line breaks', async () => {
		const head =
			'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAn invitation.\r\n' +
			'--b\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\n';
		const { raw, count } = flood(head, 'a\r\n', 'END:VCALENDAR\r\n\r\n\r\n--b--\r\n');
		expect(raw.length).toBeGreaterThan(49 * 1024 * 1024);
		const { article, desk, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		expect(article.text).toBe('An invitation.\n');
		expect(article.attachments.map((a) => [a.name, a.type])).toEqual([['attachment', 'text/calendar']]);
		const bytes = await attachment(desk, article.id, 0);
		// The blank lines before the boundary are dropped: the text ends in exactly one LF.
		expect(bytes.length).toBe('BEGIN:VCALENDAR\n'.length + 2 * count + 'END:VCALENDAR\n'.length);
		expect(Buffer.from(bytes.subarray(0, 20)).toString('latin1')).toBe('BEGIN:VCALENDAR\na\na\n');
		expect(Buffer.from(bytes.subarray(bytes.length - 18)).toString('latin1')).toBe('a\na\nEND:VCALENDAR\n');
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test('application/ics in damaged base64 ("QQ" lines): the bytes postal-mime decodes, as calendar text', async () => {
		const { raw, count } = flood('Content-Type: application/ics\r\nContent-Transfer-Encoding: base64\r\n\r\n', 'QQ\r\n');
		const { article, desk, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		expect(article.attachments.map((a) => a.type)).toEqual(['application/ics']);
		const bytes = await attachment(desk, article.id, 0);
		// Pairs of "QQ" are 41 04 10, an odd last one 41; then the one LF a calendar ends in.
		const tail = count % 2 === 1 ? [0x41, 0x0a] : [0x04, 0x10, 0x0a];
		expect(bytes.length).toBe(Math.floor(count / 2) * 3 + (count % 2) + 1);
		expect(Array.from(bytes.subarray(0, 6))).toEqual([0x41, 0x04, 0x10, 0x41, 0x04, 0x10]);
		expect(Array.from(bytes.subarray(bytes.length - tail.length))).toEqual(tail);
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test('text/calendar in quoted-printable soft line breaks, Latin-1: made UTF-8', async () => {
		const { raw, count } = flood('Content-Type: text/calendar; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n', 'a=\r\n', '=E9\r\n');
		const { article, desk, ms, largestParse } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(article.attachments.map((a) => a.type)).toEqual(['text/calendar']);
		const bytes = await attachment(desk, article.id, 0);
		expect(bytes.length).toBe(count + 3);
		expect(Buffer.from(bytes.subarray(bytes.length - 5)).toString('utf8')).toBe('aa\u00e9\n');
		expect(ms).toBeLessThan(BOUND_MS);
	});
});

describe('honest calendars display as postal-mime alone displays them', () => {
	const invite = 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:R\u00e9union\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
	const mixed = (leaf: string): Uint8Array =>
		withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the invitation.\r\n--b\r\n${leaf}\r\n--b--\r\n`);

	test('text/calendar, 8bit UTF-8, with blank lines at its end', async () => {
		await expectSameAsPostal(mixed(`Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${invite}\r\n\r\n`));
	});

	test('text/calendar with a bare-LF line and a CR inside a line', async () => {
		await expectSameAsPostal(mixed('Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\nX:a\rb\r\nEND:VCALENDAR'));
	});

	test('application/ics in clean base64 as an attachment', async () => {
		await expectSameAsPostal(mixed(`Content-Type: application/ics; name="invite.ics"\r\nContent-Disposition: attachment; filename="invite.ics"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(invite).toString('base64')}`));
	});

	test('text/calendar in quoted-printable Latin-1', async () => {
		await expectSameAsPostal(latin1(`From: a@example.com\r\nContent-Type: text/calendar; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSUMMARY:R=E9union=\r\n du lundi\r\n`));
	});

	test('a calendar whose Content-Type has a comment', async () => {
		await expectSameAsPostal(mixed(`Content-Type: text/calendar (invitation); charset=utf-8\r\n\r\n${invite}`));
	});

	test('the calendar bytes are the text with LF line breaks and one LF at the end', async () => {
		const { toDisplay } = await import('../../src/lib/mime/display');
		const got = await toDisplay(mixed(`Content-Type: text/calendar; charset=utf-8\r\n\r\n${invite}\r\n`), crypto, 1);
		expect(got.attachments.map((a) => [a.mimeType, new TextDecoder().decode(a.content)])).toEqual([['text/calendar', invite.replace(/\r\n/g, '\n')]]);
		expect(enc(invite.replace(/\r\n/g, '\n')).length).toBe(got.attachments[0]?.content.length);
	});
});
