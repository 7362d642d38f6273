/**
 * Mutations of valid mails, certificates and DER: bit flips, truncation, duplicated or
 * missing headers, boundaries that never end, BER lengths that lie, deep nesting and huge
 * base64 lines. Each is an arbitrary of a function from the valid input to a hostile one.
 */
import fc from 'fast-check';

const latin1 = new TextDecoder('latin1');
const toLatin1 = (b: Uint8Array): string => latin1.decode(b);
function fromLatin1(s: string): Uint8Array {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
	return out;
}

/** A mutation: a name (for the failure report) and the function. */
export interface Mutation {
	name: string;
	apply(input: Uint8Array): Uint8Array;
}

const m = (name: string, apply: (input: Uint8Array) => Uint8Array): Mutation => ({ name, apply, toString: () => name }) as Mutation;

/** Flips 1-8 random bits (positions as fractions of the length). */
export const bitFlips: fc.Arbitrary<Mutation> = fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) =>
	m(`bit flips ${JSON.stringify(flips)}`, (input) => {
		const out = input.slice();
		for (const [at, bit] of flips) {
			const i = Math.floor(at * out.length);
			out[i] = (out[i] ?? 0) ^ (1 << bit);
		}
		return out;
	})
);

/** Cuts the input at a random point. */
export const truncation: fc.Arbitrary<Mutation> = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((at) => m(`truncate at ${String(at)}`, (input) => input.slice(0, Math.floor(at * input.length))));

/** Inserts or overwrites a run of random bytes. */
export const splice: fc.Arbitrary<Mutation> = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean()).map(([at, bytes, overwrite]) =>
	m(`splice ${String(bytes.length)} bytes at ${String(at)}`, (input) => {
		const i = Math.floor(at * input.length);
		const out = new Uint8Array(input.length + (overwrite ? 0 : bytes.length));
		out.set(input.subarray(0, i));
		out.set(bytes.subarray(0, overwrite ? Math.max(0, input.length - i) : bytes.length), i);
		out.set(input.subarray(overwrite ? Math.min(input.length, i + bytes.length) : i), overwrite ? Math.min(input.length, i + bytes.length) : i + bytes.length);
		return out;
	})
);

/** Header lines (with their folded continuations) of every header block in a mail. */
function headerLines(text: string): { start: number; end: number }[] {
	const out: { start: number; end: number }[] = [];
	const re = /(?:^|\n)([!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)/g;
	for (let match = re.exec(text); match; match = re.exec(text)) {
		const line = match[1] ?? '';
		const start = match.index + match[0].length - line.length;
		out.push({ start, end: start + line.length });
		re.lastIndex = start + line.length - 1;
	}
	return out;
}

/** Duplicates one header line (Content-Type, boundary parameters, From... any of them). */
export const duplicateHeader: fc.Arbitrary<Mutation> = fc.nat().map((pick) =>
	m(`duplicate header #${String(pick)}`, (input) => {
		const text = toLatin1(input);
		const lines = headerLines(text);
		const line = lines[pick % Math.max(1, lines.length)];
		if (!line) return input;
		return fromLatin1(text.slice(0, line.end) + text.slice(line.start, line.end) + text.slice(line.end));
	})
);

/** Removes one header line. */
export const missingHeader: fc.Arbitrary<Mutation> = fc.nat().map((pick) =>
	m(`remove header #${String(pick)}`, (input) => {
		const text = toLatin1(input);
		const lines = headerLines(text);
		const line = lines[pick % Math.max(1, lines.length)];
		if (!line) return input;
		return fromLatin1(text.slice(0, line.start) + text.slice(line.end));
	})
);

/** Removes every closing delimiter (`--boundary--`), or every delimiter of one boundary after the first. */
export const neverEndingBoundary: fc.Arbitrary<Mutation> = fc.boolean().map((all) =>
	m(`boundary never ends (${all ? 'no delimiters after the first' : 'no closing delimiter'})`, (input) => {
		const text = toLatin1(input);
		const boundary = /boundary="?([^";\r\n]+)"?/i.exec(text)?.[1];
		if (!boundary) return input;
		const delimiter = `--${boundary}`;
		if (!all) return fromLatin1(text.split(`${delimiter}--`).join('\r\n'));
		const first = text.indexOf(delimiter);
		return fromLatin1(text.slice(0, first + delimiter.length) + text.slice(first + delimiter.length).split(delimiter).join('X'));
	})
);

/** Positions in DER where a tag-length pair seems to start (a constructed tag or a common primitive one). */
function tagPositions(der: Uint8Array): number[] {
	const out: number[] = [];
	for (let i = 0; i + 1 < der.length; i++) {
		const t = der[i] ?? 0;
		if (t === 0x30 || t === 0x31 || t === 0x04 || t === 0x06 || t === 0x02 || t === 0xa0 || t === 0x24 || t === 0x80) out.push(i);
	}
	return out;
}

/** Lengths that lie: huge long-form, indefinite on a primitive, too short, too long, over-long encodings. */
const LIES: number[][] = [[0x84, 0xff, 0xff, 0xff, 0xff], [0x80], [0x00], [0x7f], [0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x83, 0x10, 0x00, 0x00], [0x81]];

/** Replaces the length after a tag in raw DER with a lying one. */
export const lyingBerLength: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.nat({ max: LIES.length - 1 }), fc.boolean()).map(([pick, lie, keepLength]) =>
	m(`lying BER length #${String(pick)} -> ${JSON.stringify(LIES[lie])}`, (der) => {
		const positions = tagPositions(der);
		const at = positions[pick % Math.max(1, positions.length)];
		if (at === undefined) return der;
		const lenByte = der[at + 1] ?? 0;
		const oldLen = lenByte < 0x80 ? 1 : 1 + (lenByte & 0x7f);
		const replacement = new Uint8Array(LIES[lie] ?? [0x80]);
		// Either keep the structure's size (overwrite in place) or splice the new length in.
		const cut = Math.min(keepLength ? replacement.length : oldLen, der.length - at - 1);
		const out = new Uint8Array(der.length - cut + replacement.length);
		out.set(der.subarray(0, at + 1));
		out.set(replacement, at + 1);
		out.set(der.subarray(at + 1 + cut), at + 1 + replacement.length);
		return out;
	})
);

/** Applies a DER mutation to the first long base64 body in a mail, re-encoding it. */
export function insideBase64(derMutation: fc.Arbitrary<Mutation>): fc.Arbitrary<Mutation> {
	return derMutation.map((inner) =>
		m(`inside base64: ${inner.name}`, (input) => {
			const text = toLatin1(input);
			const match = /(?:[A-Za-z0-9+/=]{40,}\r?\n)+[A-Za-z0-9+/=]*/.exec(text);
			if (!match) return inner.apply(input);
			const der = new Uint8Array(Buffer.from(match[0].replace(/\s+/g, ''), 'base64'));
			const b64 = Buffer.from(inner.apply(der)).toString('base64').replace(/.{1,76}/g, '$&\r\n');
			return fromLatin1(text.slice(0, match.index) + b64 + text.slice(match.index + match[0].length));
		})
	);
}

/** Joins the first base64 body into one line and pads it with base64 up to ~100 KB. */
export const hugeBase64Line: fc.Arbitrary<Mutation> = fc.integer({ min: 1000, max: 100_000 }).map((size) =>
	m(`huge base64 line of ${String(size)}`, (input) => {
		const text = toLatin1(input);
		const match = /(?:[A-Za-z0-9+/=]{40,}\r?\n)+/.exec(text);
		const filler = 'QUFB'.repeat(Math.ceil(size / 4));
		if (!match) return fromLatin1(`${text}\r\n${filler}\r\n`);
		return fromLatin1(text.slice(0, match.index) + match[0].replace(/\s+/g, '') + filler + '\r\n' + text.slice(match.index + match[0].length));
	})
);

/** Wraps the mail's body in many multipart/mixed layers (or one part repeated many times at one level). */
export const deepNesting: fc.Arbitrary<Mutation> = fc.tuple(fc.integer({ min: 5, max: 400 }), fc.boolean()).map(([depth, wide]) =>
	m(`${wide ? 'wide' : 'deep'} nesting ${String(depth)}`, (input) => {
		const text = toLatin1(input);
		const split = /\r?\n\r?\n/.exec(text);
		const head = split ? text.slice(0, split.index) : '';
		const body = split ? text.slice(split.index + split[0].length) : text;
		const top = head.split(/\r?\n(?![ \t])/).filter((l) => !/^(content-|mime-version)/i.test(l));
		const inner = `${head.split(/\r?\n(?![ \t])/).filter((l) => /^content-/i.test(l)).join('\r\n')}\r\n\r\n${body}`;
		let entity = inner;
		if (wide) {
			const parts = Array.from({ length: depth }, () => `--w\r\n${inner}\r\n`).join('');
			entity = `Content-Type: multipart/mixed; boundary="w"\r\n\r\n${parts}--w--\r\n`;
		} else {
			for (let i = 0; i < depth; i++) entity = `Content-Type: multipart/mixed; boundary="n${String(i)}"\r\n\r\n--n${String(i)}\r\n${entity}\r\n--n${String(i)}--\r\n`;
		}
		return fromLatin1(`${top.join('\r\n')}\r\nMIME-Version: 1.0\r\n${entity}`);
	})
);

/** Any mail mutation, sometimes two in a row. */
export function mailMutation(): fc.Arbitrary<Mutation> {
	const one = fc.oneof(bitFlips, truncation, splice, duplicateHeader, missingHeader, neverEndingBoundary, insideBase64(lyingBerLength), insideBase64(bitFlips), insideBase64(truncation), hugeBase64Line, deepNesting);
	return fc.oneof({ arbitrary: one, weight: 3 }, { arbitrary: fc.tuple(one, one).map(([a, b]) => m(`${a.name}, then ${b.name}`, (x) => b.apply(a.apply(x)))), weight: 1 });
}

/** Any mutation of raw DER. */
export function derMutation(): fc.Arbitrary<Mutation> {
	const one = fc.oneof(bitFlips, truncation, splice, lyingBerLength);
	return fc.oneof({ arbitrary: one, weight: 3 }, { arbitrary: fc.tuple(one, one).map(([a, b]) => m(`${a.name}, then ${b.name}`, (x) => b.apply(a.apply(x)))), weight: 1 });
}
