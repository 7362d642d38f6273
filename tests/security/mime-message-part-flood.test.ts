/**
 * Attack (issue 15, point 7): a message/* part of 50 MB of short lines. postal-mime reads every
 * message/* leaf line by line and keeps it as an attachment of its decoded bytes (a delivery
 * report's message/delivery-status, message/global, message/partial, message/external-body,
 * message/disposition-notification, and message/rfc822 in base64): only message/rfc822 in 7bit was
 * decoded outside it. Now every message/* leaf is, as any other leaf (display.ts).
 *
 * The real assertion is the work counted: postal-mime is given a small message. Honest reports
 * must display exactly as postal-mime alone displays them.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { toDisplay } from '../../src/lib/mime/display';
import { withHeaders } from '../smime/mail';
import { attachment, BOUND_MS, counted, expectSameAsPostal, flood, receive, SMALL } from './mime-flood-helpers';

afterEach(() => {
	vi.restoreAllMocks();
});

const report = (leaf: string): string =>
	'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n' +
	`--b\r\n${leaf}`;

describe('desk.receive of a 50 MB message/* part of short lines', () => {
	test('message/delivery-status in a report: an attachment of the lines as they are', async () => {
		const { raw, count } = flood(report('Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n'), 'a\r\n', 'end\r\n--b--\r\n');
		expect(raw.length).toBeGreaterThan(49 * 1024 * 1024);
		const { article, desk, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		expect(article.text).toBe('Your mail could not be delivered.\n');
		expect(article.attachments.map((a) => a.type)).toEqual(['message/delivery-status']);
		const bytes = await attachment(desk, article.id, 0);
		expect(bytes.length).toBe('Reporting-MTA: dns; mx.example\n'.length + 2 * count + 'end\n'.length);
		expect(Buffer.from(bytes.subarray(bytes.length - 8)).toString('latin1')).toBe('a\na\nend\n');
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test('message/rfc822 in damaged base64 ("QQ" lines): the bytes postal-mime decodes', async () => {
		const head = 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nForwarded.\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n';
		const { raw, count } = flood(head, 'QQ\r\n', '--b--\r\n');
		const { article, desk, ms, largestParse, linesParsed } = await receive(raw);
		expect(largestParse).toBeLessThan(SMALL);
		expect(linesParsed).toBeLessThan(1000);
		expect(article.text).toBe('Forwarded.\n');
		expect(article.attachments.map((a) => [a.name, a.type])).toEqual([['message.eml', 'message/rfc822']]);
		const bytes = await attachment(desk, article.id, 0);
		expect(bytes.length).toBe(Math.floor(count / 2) * 3 + (count % 2));
		expect(Array.from(bytes.subarray(0, 3))).toEqual([0x41, 0x04, 0x10]);
		expect(ms).toBeLessThan(BOUND_MS);
	});

	test.each(['message/global', 'message/partial; id="x"; number=1', 'message/external-body; access-type=x-none', 'message/disposition-notification', 'message/x-unknown'])(
		'%s of 8 MB of empty lines through toDisplay: postal-mime reads placeholders only',
		async (type) => {
			const { raw, count } = flood(report(`Content-Type: ${type}\r\nContent-Transfer-Encoding: 7bit\r\n\r\n`), '\r\n', '--b--\r\n', 8 * 1024 * 1024);
			const { display, largestParse, linesParsed } = await counted(async () => ({ display: await toDisplay(raw, crypto) }));
			expect(largestParse).toBeLessThan(SMALL);
			expect(linesParsed).toBeLessThan(1000);
			expect(display.attachments.map((a) => [a.mimeType, a.content.length])).toEqual([[type.split(';')[0], count]]);
			expect(/[^\n]/.test(new TextDecoder().decode(display.attachments[0]?.content))).toBe(false);
		}
	);
});

describe('honest message/* parts display as postal-mime alone displays them', () => {
	const status = 'Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; bob@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n';
	const original = 'From: a@example.com\r\nSubject: Hello\r\n\r\nHello Bob.\r\n';

	test('a delivery report: text, delivery-status and the returned message', async () => {
		await expectSameAsPostal(
			withHeaders(`${report(`Content-Type: message/delivery-status\r\n\r\n${status}`)}\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n${original}\r\n--b--\r\n`)
		);
	});

	test('a disposition notification in quoted-printable', async () => {
		await expectSameAsPostal(withHeaders(`${report('Content-Type: message/disposition-notification\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed=3D\r\n')}\r\n--b--\r\n`));
	});

	test('message/global, message/partial and message/external-body beside a text', async () => {
		const leaves = [`Content-Type: message/global\r\n\r\n${original}`, `Content-Type: message/partial; id="a"; number=1; total=2\r\n\r\n${original}`, 'Content-Type: message/external-body; access-type=x-none\r\n\r\nContent-Type: text/plain\r\n\r\n'];
		await expectSameAsPostal(withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nParts.\r\n${leaves.map((l) => `--b\r\n${l}\r\n`).join('')}--b--\r\n`));
	});

	test('a multipart/digest, whose parts without Content-Type are message/rfc822 to postal-mime (text/plain to us)', async () => {
		await expectSameAsPostal(withHeaders(`Content-Type: multipart/digest; boundary="b"\r\n\r\n--b\r\n\r\n${original}\r\n--b\r\nContent-Type: text/plain\r\n\r\nA text.\r\n--b--\r\n`));
	});

	test('message/rfc822 in base64', async () => {
		await expectSameAsPostal(withHeaders(`Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee.\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(original).toString('base64')}\r\n--b--\r\n`));
	});
});
