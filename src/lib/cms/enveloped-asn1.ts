/**
 * A small BER reader and DER writer for the EnvelopedData and AuthEnvelopedData code.
 * It reads definite and indefinite lengths (OpenSSL streams indefinite-length BER) and
 * writes DER only.
 */
import { concatBytes } from '../base/bytes';
import type { OwnedBytes } from '../base/memory';

/** One decoded TLV. */
export interface Tlv {
	/** The identifier octet (for tag numbers below 31, which is all CMS needs). */
	tag: number;
	/** Tag class bits: 0 universal, 0x40 application, 0x80 context, 0xc0 private. */
	cls: number;
	constructed: boolean;
	/** Tag number within the class. */
	num: number;
	/** The value octets (for indefinite lengths: without the end-of-contents octets). */
	value: Uint8Array;
	/** The whole encoding, header included. */
	raw: Uint8Array;
	/** Whether the length was indefinite. */
	indefinite: boolean;
}

/** Thrown when the bytes are not well-formed BER. */
export class BerError extends Error {
	override name = 'BerError';
}

function readLength(b: Uint8Array, pos: number): { len: number | null; pos: number } {
	const first = b[pos];
	if (first === undefined) throw new BerError('The encoding ends inside a length.');
	if (first < 0x80) return { len: first, pos: pos + 1 };
	if (first === 0x80) return { len: null, pos: pos + 1 };
	const n = first & 0x7f;
	if (n > 4) throw new BerError('A length is too long.');
	let len = 0;
	for (let i = 1; i <= n; i++) {
		const x = b[pos + i];
		if (x === undefined) throw new BerError('The encoding ends inside a length.');
		len = len * 256 + x;
	}
	return { len, pos: pos + 1 + n };
}

/**
 * Reads one TLV at `pos`. Throws BerError on malformed or truncated input.
 * @returns the TLV and the offset just after it
 */
function readTlv(b: Uint8Array, pos = 0): { tlv: Tlv; next: number } {
	const tag = b[pos];
	if (tag === undefined) throw new BerError('The encoding ends before a tag.');
	if ((tag & 0x1f) === 0x1f) throw new BerError('High tag numbers are not supported.');
	const { len, pos: start } = readLength(b, pos + 1);
	const constructed = (tag & 0x20) !== 0;
	let end: number;
	let next: number;
	if (len === null) {
		if (!constructed) throw new BerError('A primitive value has an indefinite length.');
		let p = start;
		for (;;) {
			if (b[p] === 0 && b[p + 1] === 0) break;
			if (p >= b.length) throw new BerError('The encoding ends inside a value.');
			p = readTlv(b, p).next;
		}
		end = p;
		next = p + 2;
	} else {
		end = start + len;
		next = end;
		if (end > b.length) throw new BerError('The encoding ends inside a value.');
	}
	return {
		tlv: {
			tag,
			cls: tag & 0xc0,
			constructed,
			num: tag & 0x1f,
			value: b.subarray(start, end),
			raw: b.subarray(pos, next),
			indefinite: len === null
		},
		next
	};
}

/** Reads the children of a constructed TLV. Throws BerError on malformed input. */
export function children(t: Tlv): Tlv[] {
	if (!t.constructed) throw new BerError('Expected a constructed value.');
	const out: Tlv[] = [];
	let p = 0;
	while (p < t.value.length) {
		const r = readTlv(t.value, p);
		out.push(r.tlv);
		p = r.next;
	}
	return out;
}

/** Reads a whole buffer as exactly one TLV. Throws BerError otherwise. */
export function parseOne(b: Uint8Array): Tlv {
	const r = readTlv(b, 0);
	if (r.next !== b.length) throw new BerError('Trailing bytes after the value.');
	return r.tlv;
}

/** The octets of an OCTET STRING (primitive or constructed, any tag). */
export function octets(t: Tlv): Uint8Array {
	return gatherOctets(t);
}

/**
 * The octets of an OCTET STRING. A primitive one is a view of its value; the pieces of a
 * constructed (BER) one are joined into one new buffer. Throws BerError on malformed input.
 */
export function gatherOctets(t: Tlv): Uint8Array {
	return t.constructed ? concatBytes(octetPieces(t)) : t.value;
}

/**
 * The octets of an OCTET STRING that lies in `owned` bytes, gathered within them: a primitive
 * one is a view of its value; the pieces of a constructed (BER) one are moved to the start of
 * its own value (each piece only moves towards the front, past its header), which then no
 * longer holds valid BER. Either way the result is owned along with `owned`.
 * @throws BerError on malformed input
 * @throws RangeError when `t` does not lie in `owned`
 */
export function gatherOwnedOctets(t: Tlv, owned: OwnedBytes): OwnedBytes {
	const value = owned.part(t.value);
	if (!t.constructed) return value;
	let at = 0;
	for (const piece of octetPieces(t)) {
		t.value.copyWithin(at, piece.byteOffset - t.value.byteOffset, piece.byteOffset - t.value.byteOffset + piece.length);
		at += piece.length;
	}
	return value.subarray(0, at);
}

/** The primitive pieces of a constructed OCTET STRING, in order. */
function octetPieces(t: Tlv): Uint8Array[] {
	const pieces: Uint8Array[] = [];
	const collect = (node: Tlv): void => {
		if (!node.constructed) pieces.push(node.value);
		else for (const child of children(node)) collect(child);
	};
	collect(t);
	return pieces;
}

/** Decodes an OBJECT IDENTIFIER value to dotted form. Throws BerError if the tag is wrong. */
export function oidOf(t: Tlv): string {
	if (t.tag !== 0x06) throw new BerError('Expected an object identifier.');
	const parts: number[] = [];
	let v = 0;
	for (const x of t.value) {
		v = v * 128 + (x & 0x7f);
		if ((x & 0x80) === 0) {
			if (parts.length === 0) {
				const first = v < 80 ? Math.floor(v / 40) : 2;
				parts.push(first, v - first * 40);
			} else parts.push(v);
			v = 0;
		}
	}
	return parts.join('.');
}

/** Decodes a small non-negative INTEGER. Throws BerError if the tag is wrong or too big. */
export function intOf(t: Tlv): number {
	if (t.tag !== 0x02 || t.value.length > 4) throw new BerError('Expected a small integer.');
	let v = 0;
	for (const x of t.value) v = v * 256 + x;
	return v;
}

/** Encodes one DER TLV with the given identifier octet. */
export function der(tag: number, ...content: Uint8Array[]): Uint8Array {
	const body = concatBytes(content);
	const n = body.length;
	let head: number[];
	if (n < 0x80) head = [tag, n];
	else {
		const bytes: number[] = [];
		for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
		head = [tag, 0x80 | bytes.length, ...bytes];
	}
	return concatBytes([new Uint8Array(head), body]);
}

/** DER SEQUENCE. */
export const seq = (...c: Uint8Array[]): Uint8Array => der(0x30, ...c);
/** DER OCTET STRING. */
export const octetString = (b: Uint8Array): Uint8Array => der(0x04, b);
/** DER NULL. */
export const derNull = (): Uint8Array => new Uint8Array([0x05, 0x00]);

/** DER INTEGER from a small non-negative number. */
export function derInt(n: number): Uint8Array {
	const bytes: number[] = [];
	for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
	if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
	return der(0x02, new Uint8Array(bytes));
}

/** DER OBJECT IDENTIFIER from dotted form. */
export function derOid(oid: string): Uint8Array {
	const p = oid.split('.').map(Number);
	const arcs = [(p[0] ?? 0) * 40 + (p[1] ?? 0), ...p.slice(2)];
	const out: number[] = [];
	for (const arc of arcs) {
		const chunk: number[] = [arc & 0x7f];
		for (let x = Math.floor(arc / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift((x & 0x7f) | 0x80);
		out.push(...chunk);
	}
	return der(0x06, new Uint8Array(out));
}

/** DER AlgorithmIdentifier; `params` undefined means absent. */
export function algId(oid: string, params?: Uint8Array): Uint8Array {
	return params ? seq(derOid(oid), params) : seq(derOid(oid));
}

