import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { contentEntity, message } from './build-helpers';
import {
	encodeHeaderWord,
	parseEntity,
	parts,
	readHeaders,
	toDisplay,
	parseAddressList,
	isValidAddress,
} from '../../src/lib/mime/index';

function checkWire(b: Uint8Array): void {
	for (let i = 0; i < b.length; i++) {
		expect(b[i]).toBeLessThan(128);
		if (b[i] === 10) expect(b[i - 1]).toBe(13);
		if (b[i] === 13) expect(b[i + 1]).toBe(10);
	}
	const lines = new TextDecoder().decode(b).split('\r\n');
	for (const l of lines) expect(l.length).toBeLessThanOrEqual(998);
}

const text = [
	'Grüße – naïve café ' + 'long '.repeat(40),
	'trailing spaces   ',
	'trailing tab\t',
	'=equals at start = and mid',
	'.dot at start',
	'.',
	'From the top',
	'日本語のテキスト'.repeat(12),
	'😀 emoji 🎉',
	'',
].join('\n');

describe('builders', () => {
	it('quoted-printable text round-trips exactly through postal-mime, 7-bit, CRLF, QP lines <= 76', async () => {
		const e = contentEntity({ text });
		checkWire(e);
		const body = new TextDecoder().decode(parseEntity(e).body);
		for (const l of body.split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
		expect(body).not.toMatch(/^From /m);
		expect(body).not.toMatch(/^\./m);
		const d = await toDisplay(e, crypto);
		// The exact text entity ends in a soft line break: the text comes back as typed.
		expect(d.text).toBe(text);
	});

	it('RFC 2047 subjects (emoji, CJK, long) decode back exactly with postal-mime and in readHeaders', async () => {
		for (const subject of ['😀🎉 Hallo', '日本語の件名'.repeat(10), 'Ä'.repeat(100) + ' end', 'plain ascii subject']) {
			const enc = encodeHeaderWord(subject);
			for (const w of enc.split('\r\n ')) expect(w.length).toBeLessThanOrEqual(75);
			const msg = message({
				from: { name: 'Jörg Müller', address: 'joerg@sealdesk.test' },
				to: [{ name: '山田', address: 'yamada@sealdesk.test' }, { address: 'bob@sealdesk.test' }],
				cc: [{ name: 'Carol, "Q"', address: 'carol@sealdesk.test' }],
				subject,
				date: new Date('2026-03-04T05:06:07Z'),
				messageId: '<m1@sealdesk.test>',
				inReplyTo: 'p0@sealdesk.test',
				references: ['<r1@sealdesk.test>', '<p0@sealdesk.test>'],
				body: contentEntity({ text: 'x' }),
			});
			checkWire(msg);
			const p = await PostalMime.parse(msg);
			expect(p.subject).toBe(subject);
			expect(p.from?.name).toBe('Jörg Müller');
			const h = readHeaders(msg);
			expect(h.subject).toBe(subject);
			expect(h.from).toEqual({ name: 'Jörg Müller', address: 'joerg@sealdesk.test' });
			expect(h.to).toEqual([{ name: '山田', address: 'yamada@sealdesk.test' }, { address: 'bob@sealdesk.test' }]);
			expect(h.cc).toEqual([{ name: 'Carol, "Q"', address: 'carol@sealdesk.test' }]);
			expect(h.date?.toISOString()).toBe('2026-03-04T05:06:07.000Z');
			expect(h.messageId).toBe('<m1@sealdesk.test>');
			expect(h.inReplyTo).toBe('<p0@sealdesk.test>');
			expect(h.references).toEqual(['<r1@sealdesk.test>', '<p0@sealdesk.test>']);
			expect(new TextDecoder().decode(msg)).toContain('Date: Wed, 04 Mar 2026 05:06:07 +0000\r\n');
		}
	});

	it('attachments survive byte-for-byte with non-ASCII file names', async () => {
		const bin = new Uint8Array(5000).map((_, i) => (i * 7919) & 0xff);
		const names = ['Übersicht März 2026 – sehr langer Dateiname für den Test.pdf', 'report.bin', '報告書.txt'];
		const e = contentEntity({
			text: 'see attached',
			attachments: names.map((filename, i) => ({ filename, contentType: 'application/octet-stream', data: bin.subarray(i) })),
		});
		checkWire(e);
		const kids = parts(parseEntity(e));
		expect(kids).toHaveLength(4);
		const d = await toDisplay(e, crypto);
		expect(d.text.trim()).toBe('see attached');
		expect(d.attachments.map((a) => a.filename)).toEqual(names);
		d.attachments.forEach((a, i) => {
			expect(a.content).toEqual(bin.subarray(i));
		});
	});

	it('rejects header injection and validates addresses', () => {
		expect(() =>
			message({ from: { address: 'a@b.test' }, to: [], subject: 'x\r\nBcc: evil@x.test', date: new Date(), messageId: 'a@b', body: new Uint8Array() }),
		).toThrow(/line break/);
		expect(isValidAddress('agent@sealdesk.test')).toBe(true);
		expect(isValidAddress('no-at-sign')).toBe(false);
		expect(isValidAddress('a..b@x.test')).toBe(false);
		expect(parseAddressList('Team: "Doe, J" <J.Doe@Example.COM>, bad, x@y.test;')).toEqual([
			{ name: 'Doe, J', address: 'j.doe@example.com' },
			{ address: 'x@y.test' },
		]);
	});
});
