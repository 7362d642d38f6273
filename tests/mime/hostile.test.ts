import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	MimeError,
	base64Lines,
	canonicalize,
	classifySmime,
	decodeBody,
	parseEntity,
	parts,
	readHeaders,
	splitSigned,
	toDisplay,
} from '../../src/lib/mime/index';

const te = new TextEncoder();

/** Walks the tree; returns the number of entities. Only MimeError may escape. */
function walk(raw: Uint8Array): number {
	const rec = (e: ReturnType<typeof parseEntity>): number => {
		classifySmime(e);
		decodeBody(e);
		return 1 + parts(e).reduce((n, c) => n + rec(c), 0);
	};
	try {
		return rec(parseEntity(raw));
	} catch (err) {
		expect(err).toBeInstanceOf(MimeError);
		return -1;
	}
}

describe('hostile input', () => {
	it('a boundary that never ends still yields the parts seen', () => {
		const raw = te.encode('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nfirst\r\n--b\r\n\r\nsecond, no close');
		const kids = parts(parseEntity(raw));
		expect(kids.map((k) => new TextDecoder().decode(k.body))).toEqual(['first', 'second, no close']);
	});

	it('truncated base64 decodes what is complete', () => {
		const raw = te.encode('Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gV29y');
		expect(new TextDecoder().decode(decodeBody(parseEntity(raw)))).toBe('Hello Wor');
		expect(new TextDecoder().decode(decodeBody(parseEntity(te.encode('Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gV2'))))).toBe('Hello W');
	});

	it('missing headers default to text/plain; no blank line means no body', () => {
		expect(parseEntity(te.encode('\r\nbody only')).contentType).toMatchObject({ type: 'text', subtype: 'plain' });
		expect(parseEntity(te.encode('X: y')).body.length).toBe(0);
		expect(classifySmime(parseEntity(new Uint8Array()))).toEqual({ kind: 'none' });
	});

	it('10-deep nesting parses; 40-deep nesting throws one MimeError', () => {
		const nest = (n: number): string => {
			let s = 'Content-Type: text/plain\r\n\r\ninner\r\n';
			for (let i = 0; i < n; i++) s = `Content-Type: multipart/mixed; boundary=b${String(i)}\r\n\r\n--b${String(i)}\r\n${s}\r\n--b${String(i)}--\r\n`;
			return s;
		};
		expect(walk(te.encode(nest(10)))).toBe(11);
		expect(() => {
			let e = parseEntity(te.encode(nest(40)));
			for (;;) {
				const k = parts(e)[0];
				if (!k) break;
				e = k;
			}
		}).toThrow(MimeError);
	});

	it('splitSigned throws MimeError on a non-signed or one-part signed message', () => {
		expect(() => splitSigned(parseEntity(te.encode('Content-Type: text/plain\r\n\r\nx')))).toThrow(MimeError);
		const one = te.encode('Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=q\r\n\r\n--q\r\n\r\nx\r\n--q--\r\n');
		expect(classifySmime(parseEntity(one)).kind).toBe('broken-signed');
		expect(() => splitSigned(parseEntity(one))).toThrow(MimeError);
	});

	it('a 25 MB base64 attachment is split and decoded quickly (no O(n^2))', () => {
		const data = new Uint8Array(25 * 1024 * 1024);
		for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
		const b64 = base64Lines(data);
		const head = te.encode('Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n');
		const tail = te.encode('\r\n--zz--\r\n');
		const raw = new Uint8Array(head.length + b64.length + tail.length);
		raw.set(head);
		raw.set(b64, head.length);
		raw.set(tail, head.length + b64.length);
		const t0 = performance.now();
		const kids = parts(parseEntity(raw));
		const att = kids[1];
		expect(att).toBeDefined();
		if (att) expect(Buffer.compare(decodeBody(att), data)).toBe(0);
		canonicalize(raw);
		expect(performance.now() - t0).toBeLessThan(5000);
	});

	it('a huge single base64 line and garbage bytes never throw unhandled', async () => {
		const huge = te.encode('Content-Transfer-Encoding: base64\r\n\r\n' + 'QUFB'.repeat(500_000));
		expect(decodeBody(parseEntity(huge)).length).toBe(1_500_000);
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
				walk(bytes);
				readHeaders(bytes);
			}),
			{ numRuns: 300 },
		);
		const mimeish = fc.array(
			fc.constantFrom('Content-Type: multipart/mixed; boundary=a\r\n', '--a\r\n', '--a--\r\n', '\r\n', 'Content-Transfer-Encoding: base64\r\n', 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=a\r\n', '=?UTF-8?B?w6Q?=', 'x\n', '=\r\n'),
			{ maxLength: 60 },
		);
		fc.assert(
			fc.property(mimeish, (pieces) => {
				const raw = te.encode(pieces.join(''));
				walk(raw);
				readHeaders(raw);
			}),
			{ numRuns: 300 },
		);
		await expect(toDisplay(te.encode('Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\u0000\u00ff'), crypto)).resolves.toBeDefined();
	});
});
