/**
 * Attack (issue 15, point 7): a 50 MB leaf of short lines whose Content-Transfer-Encoding is
 * spelled so that our reading and postal-mime's could differ: with an RFC 822 comment, in quotes,
 * or given twice. Such leaves were left to postal-mime, which read them line by line. Now the
 * encoding is read as postal-mime reads it (postal-reading.ts), and the leaf is decoded outside
 * postal-mime like any other.
 *
 * The semantics, postal-mime's (so what the user sees does not change): the first
 * Content-Transfer-Encoding header counts and later ones are ignored; comments are removed; the
 * first word (letters, digits, '_' and '-') of what is left is the encoding, so quotes do not
 * matter; a word containing "base64" is base64, one containing "quoted-printable" is
 * quoted-printable, anything else is read as it is.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { toDisplay } from '../../src/lib/mime/display';
import { postalTransferEncoding } from '../../src/lib/mime/postal-reading';
import { params } from '../fuzz/config';
import { withHeaders } from '../smime/mail';
import { BOUND_MS, comparable, counted, expectSameAsPostal, flood, postalOnly, receive, SMALL } from './mime-flood-helpers';

afterEach(() => {
	vi.restoreAllMocks();
});

/** The header lines of a text/plain leaf with these Content-Transfer-Encoding values. */
const leafHead = (ctes: string[]): string => `Content-Type: text/plain; charset=utf-8\r\n${ctes.map((c) => `Content-Transfer-Encoding: ${c}\r\n`).join('')}\r\n`;

describe('the encoding, as postal-mime reads it', () => {
	test.each([
		[['base64 (comment)'], 'base64'],
		[['(comment) base64'], 'base64'],
		[['"base64"'], 'base64'],
		[['x-base64'], 'base64'],
		[['7bit (not base64)'], 'plain'],
		[['(base64) 7bit'], 'plain'],
		[['quoted-printable (c)'], 'qp'],
		[['(a (nested) comment) Quoted-Printable'], 'qp'],
		[['base64', '7bit'], 'base64'],
		[['7bit', 'base64'], 'plain'],
		[['quoted-printable', 'base64'], 'qp'],
		[['(unclosed base64'], 'plain'],
		[[], 'plain']
	] as const)('%j is %s', (ctes, expected) => {
		const headers = ctes.map((value) => ({ name: 'Content-Transfer-Encoding', value }));
		expect(postalTransferEncoding(headers)).toBe(expected);
	});
});

describe('a 50 MB leaf with an oddly spelled encoding', () => {
	test('desk.receive, "base64 (comment)" on "QQ" lines: decoded as base64', async () => {
		const { raw, count } = flood(leafHead(['base64 (made by hand)']), 'QQ\r\n');
		expect(raw.length).toBeGreaterThan(49 * 1024 * 1024);
		const { article, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		expect(article.text.length).toBe(Math.floor(count / 2) * 3 + (count % 2));
		expect(article.text.slice(0, 6)).toBe('A\u0004\u0010A\u0004\u0010');
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test.each([
		[['"base64"'], 'base64'],
		[['base64', '7bit'], 'base64'],
		[['7bit', 'base64'], 'plain'],
		[['7bit (not base64)'], 'plain'],
		[['(c) quoted-printable'], 'qp']
	] as const)('%j through toDisplay (8 MB): read as %s, postal-mime given placeholders only', async (ctes, kind) => {
		const { raw, count } = flood(leafHead([...ctes]), 'QQ=\r\n', '', 8 * 1024 * 1024);
		const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		// base64: "QQ=" is a unit of one byte, "A"; quoted-printable: a soft line break after "QQ"; as it is: the line.
		const unit = kind === 'base64' ? 'A' : kind === 'qp' ? 'QQ' : 'QQ=\n';
		expect(display.text.length).toBe(unit.length * count);
		expect(display.text.slice(-unit.length * 2)).toBe(unit.repeat(2));
	});
});

describe('small leaves with these spellings display as postal-mime alone displays them', () => {
	const spellings = ['base64 (c)', '(c) base64', '"base64"', ' BASE64 ', 'x-base64', '7bit (base64)', '(base64) 8bit', 'quoted-printable (c)', '"quoted-printable"', '(unclosed base64', 'base64 (unclosed'];
	const body = (cte: string): string => (/base64/i.test(cte.replace(/\([^)]*\)?/g, '')) ? `${Buffer.from('Caf\u00e9 = ok\r\nline two\r\n').toString('base64')}\r\n` : 'Caf=C3=A9 =3D ok=\r\n soft\r\nQUJD\r\n');

	test.each(spellings)('text/plain, %j', async (cte) => {
		await expectSameAsPostal(withHeaders(`${leafHead([cte])}${body(cte)}`));
	});

	test.each([
		['base64', '7bit'],
		['7bit', 'base64'],
		['quoted-printable', 'base64'],
		['base64 (c)', 'quoted-printable']
	])('an attachment with Content-Transfer-Encoding %j then %j', async (first, second) => {
		const leaf = `Content-Type: application/octet-stream; name="f.bin"\r\nContent-Transfer-Encoding: ${first}\r\nContent-Transfer-Encoding: ${second}\r\n\r\nQUJD=3D\r\nQUJD\r\n`;
		await expectSameAsPostal(withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee.\r\n--b\r\n${leaf}\r\n--b--\r\n`));
	});

	// (text/html is left out: beside a text/plain, postal-mime's htmlToText of a taken HTML part is our stripTags, a documented difference.)
	test('any tree of leaves with any of these spellings, types and bodies', async () => {
		const cte = fc.constantFrom(...spellings, 'base64', '7bit', 'quoted-printable', null);
		const type = fc.constantFrom('text/plain; charset=utf-8', 'text/calendar; method=REQUEST', 'application/ics', 'text/calendar (c)', 'message/delivery-status', 'message/global', 'message/rfc822', 'message/partial; id=a', 'application/octet-stream (c)', 'multipart/mixed (no boundary)');
		const text = fc.constantFrom('QUJD\r\nQUJD\r\n', 'QQ\r\nQQ==\r\n', 'BEGIN:VCALENDAR\r\nX:=C3=A9=\r\n y\r\nEND:VCALENDAR\r\n\r\n', 'Caf\u00e9\r\n\r\n', 'a\nb\r\n', '');
		const leaf = fc.record({ type, ctes: fc.array(cte, { maxLength: 2 }), text });
		const message = fc.record({ leaves: fc.array(leaf, { minLength: 1, maxLength: 4 }), preamble: fc.constantFrom('', 'pre\r\n\r\n'), epilogue: fc.constantFrom('', '\r\nepi\r\n') }).map(({ leaves, preamble, epilogue }) => {
			const parts = leaves.map((l) => `--b\r\nContent-Type: ${l.type}\r\n${l.ctes.flatMap((c) => (c === null ? [] : [`Content-Transfer-Encoding: ${c}\r\n`])).join('')}\r\n${l.text}\r\n`);
			return withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n${preamble}${parts.join('')}--b--\r\n${epilogue}`);
		});
		await fc.assert(
			fc.asyncProperty(message, async (raw) => {
				expect(comparable(await toDisplay(raw, crypto, 1))).toEqual(comparable(await postalOnly(raw)));
			}),
			params(300)
		);
	});
});
