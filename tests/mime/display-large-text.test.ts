/**
 * Line-read leaves (text/plain, text/html, 7bit and quoted-printable attachments, base64 text)
 * decoded outside postal-mime (issue 15 point 7): for each ordinary shape and charset the
 * display equals postal-mime's over the whole message, and postal-mime really was given only
 * placeholders. The documented differences (flowed text not unwrapped, HTML made text
 * tag-stripped) are tested as such.
 */
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { toDisplay, type DisplayContent } from '../../src/lib/mime/display';
import { own } from '../../src/lib/base/memory';

/** Latin-1 bytes of a string whose characters are all under 256 (bodies are written as their bytes). */
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

const reference = (raw: Uint8Array): Promise<DisplayContent> => toDisplay(raw, crypto, Number.POSITIVE_INFINITY);

function comparable(d: DisplayContent): unknown {
	return { ...d, attachments: d.attachments.map((a) => ({ ...a, content: Buffer.from(a.content).toString('hex') })) };
}

/** Lowered threshold: every body below is larger, so it is taken. */
const LARGE = 64;

/** toDisplay with the lowered threshold, and the sizes of postal-mime's inputs. */
async function display(raw: Uint8Array): Promise<{ got: DisplayContent; inputs: number[] }> {
	const spy = vi.spyOn(PostalMime, 'parse');
	const got = await toDisplay(raw, crypto, LARGE);
	const inputs = spy.mock.calls.map((c) => (c[0] as Uint8Array).length);
	spy.mockRestore();
	return { got, inputs };
}

/** The fast path was taken: one parse, of a message without the bodies, and the same display as postal-mime's. */
async function expectSame(raw: Uint8Array, removed: number): Promise<DisplayContent> {
	const { got, inputs } = await display(raw);
	expect(inputs).toHaveLength(1);
	expect(inputs[0]).toBeLessThan(raw.length - removed + 200);
	expect(comparable(got)).toEqual(comparable(await reference(raw)));
	return got;
}

const lines = (n: number, line: string, eol = '\r\n'): string => Array.from({ length: n }, (_, i) => `${line} ${String(i)}`).join(eol);
const textBody = lines(40, 'Line \u00e9 <b> & "q"');
const utf8Body = utf8(lines(40, 'Gr\u00fc\u00dfe \u20ac \ud83d\ude00'));

afterEach(() => {
	vi.restoreAllMocks();
});

describe('single text leaves', () => {
	test('plain UTF-8 text, 8bit, CRLF lines with a blank line and a trailing one', async () => {
		const body = `${utf8Body}\r\n\r\n${utf8Body}\r\n`;
		const got = await expectSame(bytes(`From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`), body.length);
		expect(got.text.startsWith('Gr\u00fc\u00dfe \u20ac \ud83d\ude00 0\nGr')).toBe(true);
	});

	test('ISO-8859-1 text without a transfer encoding, bare LF lines and stray CRs', async () => {
		const body = `${textBody.replace(/\r\n/g, '\n')}\nwith\r a lone CR\r\r\n${'L'.repeat(200)}\r\r\n\n\nend`;
		const got = await expectSame(bytes(`Content-Type: text/plain; charset=iso-8859-1\r\n\r\n${body}`), body.length);
		expect(got.text).toContain('Line \u00e9 <b>');
		expect(got.text.endsWith(`with\r a lone CR\n${'L'.repeat(200)}\n\n\nend\n`)).toBe(true);
	});

	test('quoted-printable with soft line breaks, escapes, and malformed escapes', async () => {
		const body = `${'Gr=C3=BC=C3=9Fe, a soft=\r\nbreak and =3D sign, bad =ZZ and =4'.repeat(3)}=\r\n${'x'.repeat(80)}=\r\nend=3D\r\nlast =C3=A9=`;
		const got = await expectSame(bytes(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${body}`), body.length);
		expect(got.text).toContain('Gr\u00fc\u00dfe, a softbreak and = sign, bad =ZZ and =4');
		expect(got.text.endsWith('end=\nlast \u00e9')).toBe(true);
	});

	test('base64 UTF-8 text', async () => {
		const b64 = Buffer.from(lines(30, 'b\u00e9se64 \u20ac'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
		const got = await expectSame(bytes(`Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`), b64.length);
		expect(got.text.startsWith('b\u00e9se64 \u20ac 0\r\n')).toBe(true);
	});

	test('damaged base64 text (junk, URL-safe characters, inner padding, a lone character): taken, decoded as postal-mime', async () => {
		const b64 = Buffer.from(lines(30, 'b\u00e9se64 \u20ac'), 'utf8').toString('base64');
		// A character a line, then junk and '-'/'_', padding in the middle of a group and between groups, a truncated end.
		const body = `${b64.slice(0, 40).split('').join('\r\n')}\r\n!*${b64.slice(40, 90)}-_\u00e9${b64.slice(90, 101)}==\r\n${b64.slice(101, 200)}=${b64.slice(200, 400)}\r\nQQ\r\nQ`;
		const raw = bytes(`Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`);
		const got = await expectSame(raw, body.length);
		expect(got.text.startsWith('b\u00e9se64 \u20ac 0\r\n')).toBe(true);
	});

	test('damaged base64 HTML and text in multipart/alternative: taken, as postal-mime', async () => {
		const damaged = (s: string): string => `!${Buffer.from(s, 'utf8').toString('base64').replace(/.{3}/g, '$&\r\n').replace(/=/g, '')}`;
		const text = damaged(lines(20, 'text \u00e9'));
		const html = damaged(`<p>${lines(20, 'html &amp; \u00e9')}</p>`);
		const raw = bytes(
			`Content-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n` +
				`--a\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${html}\r\n--a--\r\n`
		);
		const got = await expectSame(raw, text.length + html.length);
		expect(got.text).toContain('text \u00e9 19');
		expect(got.html).toContain('html &amp; \u00e9 19');
	});

	test('a damaged base64 attachment (a group a line, junk, padding inside): taken, its bytes as postal-mime', async () => {
		const data = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) & 255));
		const b64 = data.toString('base64');
		const body = `${b64.slice(0, 200).replace(/.{2}/g, '$&\r\n')}#${b64.slice(200, 301)}=\r\n${b64.slice(301, 500)}\u00ff\u0080==${b64.slice(500)}\r\nQ`;
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n` +
				`--m\r\nContent-Type: application/octet-stream; name="f.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--m--\r\n`
		);
		const got = await expectSame(raw, body.length);
		expect(got.attachments).toHaveLength(1);
		expect(Buffer.from(got.attachments[0]?.content ?? new Uint8Array(0)).subarray(0, 150)).toEqual(data.subarray(0, 150));
		// Owned input: decoded over the message itself, the same result.
		const owned = await toDisplay(own(raw.slice()), crypto, LARGE);
		expect(comparable(owned)).toEqual(comparable(await reference(raw)));
	});

	test('small damaged base64 attachments count against the budget, then are taken', async () => {
		const part = (i: number): string => `--m\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${'QUJD\r\n'.repeat(7)}!${String(i)}\r\n`;
		const raw = bytes(`Content-Type: multipart/mixed; boundary="m"\r\n\r\n${Array.from({ length: 6 }, (_, i) => part(i)).join('')}--m--\r\n`);
		// Budget 100: the first two bodies (46 bytes each) are read by postal-mime, the other four are taken.
		const spy = vi.spyOn(PostalMime, 'parse');
		const got = await toDisplay(raw, crypto, 100);
		const skeleton = Buffer.from(spy.mock.calls[0]?.[0] as Uint8Array).toString('latin1');
		expect(skeleton).toContain('!0\r\n');
		expect(skeleton).toContain('!1\r\n');
		expect(skeleton).not.toContain('!2\r\n');
		expect((skeleton.match(/QUJD/g) ?? []).length).toBe(14);
		expect(got.attachments).toHaveLength(6);
		expect(comparable(got)).toEqual(comparable(await reference(raw)));
	});

	test('small clean base64 attachments have their own budget: a text after them stays with postal-mime', async () => {
		const part = (i: number): string => `--m\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${'QUJD\r\n'.repeat(7)}QQ${String(i)}=\r\n`;
		const raw = bytes(`Content-Type: multipart/mixed; boundary="m"\r\n\r\n${Array.from({ length: 6 }, (_, i) => part(i)).join('')}--m\r\nContent-Type: text/plain\r\n\r\nsmall text\r\n--m--\r\n`);
		// Budget 100: the first two bodies (47 bytes each) are read by postal-mime, the other four are taken; the text is not.
		const spy = vi.spyOn(PostalMime, 'parse');
		const got = await toDisplay(raw, crypto, 100);
		const skeleton = Buffer.from(spy.mock.calls[0]?.[0] as Uint8Array).toString('latin1');
		expect(skeleton).toContain('QQ0=\r\n');
		expect(skeleton).toContain('QQ1=\r\n');
		expect(skeleton).not.toContain('QQ2=\r\n');
		expect(skeleton).toContain('small text\r\n');
		expect(got.attachments).toHaveLength(6);
		expect(comparable(got)).toEqual(comparable(await reference(raw)));
	});

	test('HTML only: html, and no text (as postal-mime)', async () => {
		const body = `<html><body>${lines(30, '<p>Hello \u00e9 &amp; <a href="https://x.example">x</a></p>')}</body></html>`;
		const got = await expectSame(bytes(`Content-Type: text/html; charset=iso-8859-1\r\n\r\n${body}`), body.length);
		expect(got.html?.startsWith('<html><body><p>Hello \u00e9')).toBe(true);
		expect(got.text).toBe('');
	});

	test('a charset TextDecoder knows under another label (latin1, windows-1252, spaced)', async () => {
		for (const charset of ['latin1', 'Windows-1252', ' ISO-8859-1 ']) {
			const body = `${textBody}\r\n\xe9\xe8`;
			const got = await expectSame(bytes(`Content-Type: text/plain; charset="${charset}"\r\n\r\n${body}`), body.length);
			expect(got.text.endsWith('\n\u00e9\u00e8\n')).toBe(true);
		}
	});
});

describe('structures', () => {
	const binary = `Content-Type: application/octet-stream; name="d.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(new Uint8Array(300).map((_, i) => i)).toString('base64')}`;

	test('text and HTML in multipart/alternative', async () => {
		const html = `<div>${lines(20, 'Hi <i>there</i> \u00e9')}</div>`;
		const raw = bytes(
			`Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n${textBody}\r\n` +
				`--alt\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${html}\r\n--alt--\r\n`
		);
		const got = await expectSame(raw, textBody.length + html.length);
		expect(got.text).toContain('Line \u00e9 <b> & "q" 39');
		expect(got.html).toContain('Hi <i>there</i> \u00e9 19');
	});

	test('a text attachment: its decoded bytes, not a string', async () => {
		const log = lines(50, 'log line');
		const qp = lines(10, 'caf=C3=A9 soft=\r\nbreak');
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee the log.\r\n` +
				`--m\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${log}\r\n` +
				`--m\r\nContent-Type: application/x-thing\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}\r\n--m\r\n${binary}\r\n--m--\r\n`
		);
		const got = await expectSame(raw, log.length + qp.length);
		expect(got.text).toBe('See the log.\n');
		expect(Buffer.from(got.attachments[0]?.content ?? []).toString('latin1')).toBe(`${log.replace(/\r\n/g, '\n')}\n`);
		expect(Buffer.from(got.attachments[1]?.content ?? []).toString('utf8')).toContain('caf\u00e9 softbreak 0\ncaf\u00e9');
	});

	test('an attached message read as its .eml', async () => {
		const inner = `Subject: inner\r\n\r\n${lines(30, 'inner body')}`;
		const raw = bytes(`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nHi\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--m--\r\n`);
		const got = await expectSame(raw, inner.length);
		expect(got.attachments.map((a) => a.filename)).toEqual(['message.eml']);
	});

	test('text in multipart/mixed beside an attachment, and several texts joined', async () => {
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${utf8Body}\r\n` +
				`--m\r\n${binary}\r\n--m\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n${textBody}\r\n--m--\r\n`
		);
		const got = await expectSame(raw, utf8Body.length + textBody.length);
		expect(got.text).toContain('\u20ac \ud83d\ude00 39\n\nLine \u00e9');
	});

	test('nested: mixed > alternative > related with HTML and an image, then an attachment', async () => {
		const html = `<p>${lines(20, 'See <img src="cid:i1"> \u00e9')}</p>`;
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n` +
				`--a\r\nContent-Type: text/plain; charset=iso-8859-1; format=fixed\r\n\r\n${textBody}\r\n` +
				`--a\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n--r\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n${html}\r\n` +
				`--r\r\nContent-ID: <i1>\r\n${binary}\r\n--r--\r\n--a--\r\n--m\r\n${binary}\r\n--m--\r\n`
		);
		const got = await expectSame(raw, textBody.length + html.length);
		expect(got.html).toContain('See <img src="cid:i1"> \u00e9 19');
		expect(got.attachments).toHaveLength(2);
	});

	test('a text beside an HTML part outside any alternative: the text is shown in the HTML as postal-mime does', async () => {
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n  ${textBody} ? ' \r\n\r\n` +
				`--m\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nshort\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>${lines(10, 'html')}</p>\r\n--a--\r\n--m--\r\n`
		);
		const got = await expectSame(raw, textBody.length);
		expect(got.html).toContain('<div>Line \u00e9 &#x3C;b&#x3E; &#x26; &#x22;q&#x22; 0<br />Line');
	});
});

describe('documented differences and fallbacks', () => {
	test('format=flowed: postal-mime unwraps, the taken body is shown as sent', async () => {
		const body = `${lines(30, 'flowed ', ' \r\n')} \r\nlast\r\n`;
		const raw = bytes(`Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no\r\n\r\n${body}`);
		const { got, inputs } = await display(raw);
		expect(inputs).toHaveLength(1);
		expect(inputs[0]).toBeLessThan(raw.length - body.length + 200);
		expect(got.text).toBe(body.replace(/\r\n/g, '\n'));
		expect((await reference(raw)).text).toBe(body.replace(/ \r\n/g, ' ').replace(/\r\n/g, '\n'));
	});

	test('HTML that postal-mime turns into text beside a plain text: tags stripped instead', async () => {
		const html = `<p>${lines(10, 'Hello <b>bold</b>')}</p>`;
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nFirst.\r\n--m\r\nContent-Type: text/html\r\n\r\n${html}\r\n--m--\r\n`
		);
		const { got, inputs } = await display(raw);
		expect(inputs).toHaveLength(1);
		const expected = await reference(raw);
		expect(got.html).toBe(expected.html);
		expect(got.text).toBe(`First.\n\n ${lines(10, 'Hello  bold ', '\r\n').replace(/\r\n/g, '\n')} \n`);
	});

	test('a text placeholder forged in a part postal-mime reads sends the whole message to postal-mime', async () => {
		vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => array);
		const token = `sealdeskLargeText${'00'.repeat(12)}n0.`;
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${textBody}\r\n--m\r\nContent-Type: text/plain\r\n\r\nx ${token}\r\n\r\n--m--\r\n`
		);
		const { got, inputs } = await display(raw);
		expect(inputs).toEqual([expect.any(Number), raw.length]);
		expect(comparable(got)).toEqual(comparable(await reference(raw)));
		expect(got.text).toContain(`x ${token}`);
	});

	test('a placeholder inside a taken body is only content: it is not replaced', async () => {
		vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => array);
		const token = `sealdeskLargeText${'00'.repeat(12)}n1.`;
		const raw = bytes(
			`Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${textBody} ${token}\r\n--m\r\nContent-Type: text/plain\r\n\r\n${textBody}\r\n--m--\r\n`
		);
		const got = await expectSame(raw, 2 * textBody.length);
		expect(got.text.split(token)).toHaveLength(2);
	});

	test('small mail stays with postal-mime: under the threshold nothing is taken', async () => {
		const raw = bytes(`Content-Type: text/plain\r\n\r\n${textBody}`);
		const spy = vi.spyOn(PostalMime, 'parse');
		await toDisplay(raw, crypto);
		expect(spy.mock.calls.map((c) => (c[0] as Uint8Array).length)).toEqual([raw.length]);
	});

	test('bodies are kept with postal-mime up to the budget, then taken', async () => {
		const part = (i: number): string => `--m\r\nContent-Type: text/plain\r\n\r\n${'a'.repeat(40)} ${String(i)}\r\n`;
		const raw = bytes(`Content-Type: multipart/mixed; boundary="m"\r\n\r\n${Array.from({ length: 6 }, (_, i) => part(i)).join('')}--m--\r\n`);
		// Budget 100: the first two bodies (43 bytes each) are read by postal-mime, the other four are taken.
		const spy = vi.spyOn(PostalMime, 'parse');
		const got = await toDisplay(raw, crypto, 100);
		const skeleton = Buffer.from(spy.mock.calls[0]?.[0] as Uint8Array).toString('latin1');
		expect(skeleton).toContain('a 0\r\n');
		expect(skeleton).toContain('a 1\r\n');
		expect(skeleton).not.toContain('a 2\r\n');
		expect((skeleton.match(/sealdeskLargeText/g) ?? []).length).toBe(4);
		expect(comparable(got)).toEqual(comparable(await reference(raw)));
	});
});
