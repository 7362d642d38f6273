// Header bytes are read one character per byte with the same value (ISO-8859-1), never through
// windows-1252, which maps 0x80–0x9F elsewhere; and an RFC 2231 value is decoded as one byte
// string, wherever its segments split an escaped character.
//
// In browsers, TextDecoder('latin1') is windows-1252 (the Encoding Standard makes "latin1" and
// "iso-8859-1" its labels); Node decodes it as true ISO-8859-1. The MIME layer is loaded here
// with a TextDecoder that behaves as Chromium's, so that these tests see what the page sees.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/** Windows-1252's characters for bytes 0x80–0x9F (the Encoding Standard's index). */
const WINDOWS_1252 = [
	0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
	0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
];
const WINDOWS_1252_LABELS = new Set(['latin1', 'iso-8859-1', 'iso8859-1', 'l1', 'ascii', 'us-ascii', 'windows-1252', 'cp1252']);

class BrowserTextDecoder extends TextDecoder {
	readonly #windows1252: boolean;
	constructor(label = 'utf-8', options?: TextDecoderOptions) {
		super(label, options);
		this.#windows1252 = WINDOWS_1252_LABELS.has(label.trim().toLowerCase());
	}
	override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
		if (!this.#windows1252 || input === undefined) return super.decode(input, options);
		const bytes = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
		let out = '';
		for (const b of bytes) out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? (WINDOWS_1252[b - 0x80] ?? b) : b);
		return out;
	}
}

let entity: typeof import('../../src/lib/mime/entity');
beforeAll(async () => {
	vi.stubGlobal('TextDecoder', BrowserTextDecoder);
	vi.resetModules();
	entity = await import('../../src/lib/mime/entity');
});
afterAll(() => {
	vi.unstubAllGlobals();
});
const parseEntity = (raw: Uint8Array): ReturnType<typeof entity.parseEntity> => entity.parseEntity(raw);
const parseParams = (value: string): ReturnType<typeof entity.parseParams> => entity.parseParams(value);
const parts = (e: ReturnType<typeof entity.parseEntity>): ReturnType<typeof entity.parts> => entity.parts(e);

const bytesOf = (...chunks: (string | number[])[]): Uint8Array => {
	const out: number[] = [];
	for (const c of chunks) out.push(...(typeof c === 'string' ? [...new TextEncoder().encode(c)] : c));
	return new Uint8Array(out);
};

describe('header bytes', () => {
	it('the TextDecoder here is the browser\'s: latin1 is windows-1252', () => {
		expect(new TextDecoder('latin1').decode(new Uint8Array([0x80, 0x9f]))).toBe('€Ÿ');
	});

	it('keep every byte value: a boundary with bytes 0x80–0x9F still splits its multipart', () => {
		const boundary = [0x61, 0x80, 0x9f, 0x62];
		const raw = bytesOf('Content-Type: multipart/mixed; boundary="', boundary, '"\r\n\r\n--', boundary, '\r\n\r\nonly part\r\n--', boundary, '--\r\n');
		const parsed = parseEntity(raw);
		const read = parsed.contentType.params.boundary ?? '';
		expect(Array.from({ length: read.length }, (_x, i) => read.charCodeAt(i))).toEqual(boundary);
		expect(parts(parsed).map((p) => new TextDecoder().decode(p.body))).toEqual(['only part']);
	});

	it('an RFC 2231 escape split between two segments decodes to its character', () => {
		expect(parseParams("attachment; filename*0*=UTF-8''%E2%82; filename*1*=%AC.pdf").params.filename).toBe('€.pdf');
		expect(parseParams("attachment; filename*0*=UTF-8''Gr%C3; filename*1*=%BC%C3%9Fe; filename*2=.pdf").params.filename).toBe('Grüße.pdf');
	});

	it('raw UTF-8 in an extended value (bytes 0x9F among them) is decoded in its charset', () => {
		const raw = bytesOf("Content-Type: application/pdf; name*=UTF-8''Gr", [0xc3, 0xbc, 0xc3, 0x9f], 'e.pdf\r\n\r\nbody');
		expect(parseEntity(raw).contentType.params.name).toBe('Grüße.pdf');
	});

	it('plain continuations are joined as they are, percent signs and all', () => {
		expect(parseParams('attachment; filename*0="100%"; filename*1=" sure.txt"').params.filename).toBe('100% sure.txt');
	});
});
