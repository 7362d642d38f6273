/** Encoders for outgoing mail: quoted-printable, RFC 2047 words, RFC 2231 parameters. */
import { toBase64 } from '../base/bytes';

const enc = new TextEncoder();
const HEX = '0123456789ABCDEF';

/**
 * Encodes text as quoted-printable (RFC 2045 §6.7) over its UTF-8 bytes: output is
 * 7-bit, lines <= 76, CRLF line breaks; trailing whitespace, '=', a leading '.' and
 * "From " are escaped. Input line breaks (LF or CRLF) become CRLF.
 */
export function encodeQuotedPrintable(text: string): string {
	const lines = text.replace(/\r\n/g, '\n').split('\n');
	const out: string[] = [];
	for (const line of lines) {
		const bytes = enc.encode(line);
		let cur = '';
		const toks: string[] = [];
		bytes.forEach((b, i) => {
			const last = i === bytes.length - 1;
			const safe = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
			toks.push(safe ? String.fromCharCode(b) : '=' + (HEX[b >> 4] ?? '') + (HEX[b & 15] ?? ''));
		});
		if (toks[0] === '.') toks[0] = '=2E';
		if (line.startsWith('From ')) toks[0] = '=46';
		const soft: string[] = [];
		for (const t of toks) {
			if (cur.length + t.length > 75) {
				soft.push(cur + '=');
				cur = '';
			}
			cur += t;
		}
		soft.push(cur);
		out.push(soft.join('\r\n'));
	}
	return out.join('\r\n');
}

/** True when the string is printable ASCII only. */
export function isPrintableAscii(s: string): boolean {
	return /^[\x20-\x7e]*$/.test(s);
}


/**
 * Encodes a header text as RFC 2047 B encoded-words (UTF-8), each <= 75 chars, split
 * on character boundaries and joined with CRLF SP folding. ASCII text is returned as is.
 */
export function encodeHeaderWord(text: string): string {
	if (isPrintableAscii(text)) return text;
	const words: string[] = [];
	let chunk: number[] = [];
	// '=?UTF-8?B?' + '?=' = 12 chars; 75 - 12 = 63 base64 chars -> 45 bytes max (60 chars)
	for (const ch of text) {
		const b = enc.encode(ch);
		if (chunk.length + b.length > 45) {
			words.push(`=?UTF-8?B?${toBase64(new Uint8Array(chunk))}?=`);
			chunk = [];
		}
		chunk.push(...b);
	}
	if (chunk.length) words.push(`=?UTF-8?B?${toBase64(new Uint8Array(chunk))}?=`);
	return words.join('\r\n ');
}

/** Formats one address for a header: `"Name" <a@b>` with the name RFC 2047-encoded when needed. */
export function formatAddress(a: { name?: string; address: string }): string {
	if (!a.name) return a.address;
	const name = isPrintableAscii(a.name) ? `"${a.name.replace(/(["\\])/g, '\\$1')}"` : encodeHeaderWord(a.name);
	return `${name} <${a.address}>`;
}

/**
 * Encodes a filename as Content-Disposition/Content-Type parameters: a quoted ASCII
 * `name` when possible, else RFC 2231 `name*0*=UTF-8''...` continuations (no RFC 2047 fallback).
 */
export function filenameParam(param: string, filename: string): string {
	if (isPrintableAscii(filename) && filename.length <= 60) return `${param}="${filename.replace(/(["\\])/g, '\\$1')}"`;
	const pct = Array.from(enc.encode(filename), (b) =>
		/[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + (HEX[b >> 4] ?? '') + (HEX[b & 15] ?? ''),
	).join('');
	const segs: string[] = [];
	for (let i = 0, n = 0; i < pct.length; n++) {
		let end = Math.min(pct.length, i + 60);
		// do not split a %XX escape
		const p = pct.lastIndexOf('%', end - 1);
		if (p > end - 3 && p >= i && end < pct.length) end = p;
		segs.push(`${param}*${String(n)}*=${n === 0 ? "UTF-8''" : ''}${pct.slice(i, end)}`);
		i = end;
	}
	return segs.join(';\r\n ');
}
