/** MIME byte helpers: linear scans, no whole-body strings. The general ones are in `base/bytes`. */

/**
 * Finds `needle` in `hay` from `from`; returns -1 when absent. Linear for typical input. The
 * next candidate (its first byte) is looked for in JS over a short stretch, natively beyond:
 * a body of 25 million CRLFs, searched for LF + delimiter, cost a native call per line (3.5 s).
 */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
	const first = needle[0];
	if (first === undefined) return from;
	const next = (at: number): number => {
		const stop = Math.min(at + NEAR, hay.length);
		for (let k = at; k < stop; k++) if (hay[k] === first) return k;
		return stop >= hay.length ? -1 : hay.indexOf(first, stop);
	};
	let i = next(Math.max(from, 0));
	while (i !== -1 && i + needle.length <= hay.length) {
		let ok = true;
		for (let j = 1; j < needle.length; j++) {
			if (hay[i + j] !== needle[j]) {
				ok = false;
				break;
			}
		}
		if (ok) return i;
		i = next(i + 1);
	}
	return -1;
}

/** How far {@link indexOfBytes} looks for the next candidate byte by byte before a native scan. */
const NEAR = 64;

/**
 * Converts bare LF to CRLF, leaving existing CRLF alone (RFC 8551 §3.1.1).
 * Returns the input itself when it has no bare LF.
 */
export function canonicalize(bytes: Uint8Array): Uint8Array {
	let bare = 0;
	for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
		if (i === 0 || bytes[i - 1] !== 13) bare++;
	}
	if (bare === 0) return bytes;
	const out = new Uint8Array(bytes.length + bare);
	let o = 0;
	let start = 0;
	for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
		if (i === 0 || bytes[i - 1] !== 13) {
			out.set(bytes.subarray(start, i), o);
			o += i - start;
			out[o++] = 13;
			out[o++] = 10;
			start = i + 1;
		}
	}
	out.set(bytes.subarray(start), o);
	return out;
}

export { decodeBase64 } from './base64-decode';

/** Encodes bytes as base64 in lines of 76 characters, each ending in CRLF (the one encoder, in base64-encode). */
export { encodeBase64Lines as base64Lines } from './base64-encode';
