/**
 * postal-mime's reading of a body that it takes line by line, done in one linear pass.
 *
 * postal-mime costs about 10 µs per line of a body (a 50 MB body of empty lines took minutes),
 * so {@link ./display} gives it a placeholder instead of a large body and puts back what these
 * functions give, which is byte for byte what postal-mime's own decoders give for the body.
 */
import { hexDigitValue } from '../base/bytes';

/**
 * Decodes a 7bit/8bit/binary (`qp` false) or quoted-printable (`qp` true) body as postal-mime
 * does: each line (split at LF) loses its trailing CRs and ends in one LF; quoted-printable lines
 * ending in '=' are joined to the next, and '=' with two hex digits (not at the line's last two
 * places) is the byte. postal-mime reads a body up to the line break before the next boundary,
 * or up to the end of the message, where an empty last segment is no line.
 * @param atEnd - the body runs to the end of the message
 * @returns a fresh buffer of the decoded bytes
 */
export function decodeLines(body: Uint8Array, qp: boolean, atEnd: boolean): Uint8Array {
	const out = new Uint8Array(body.length + 1);
	let o = 0;
	let start = 0;
	for (;;) {
		const lf = findLf(body, start);
		if (lf === -1 && atEnd && start === body.length) break;
		const next = lf === -1 ? body.length : lf;
		let end = next;
		while (end > start && body[end - 1] === 13) end--;
		o = qp ? qpLine(body, start, end, out, o) : copyLine(body, start, end, out, o);
		if (lf === -1) break;
		start = lf + 1;
	}
	return out.slice(0, o);
}

/**
 * The next LF from `start`, or -1. Hostile bodies are millions of lines of a few bytes, where a
 * native call per line costs more than the bytes: short lines are scanned here, long ones natively.
 */
function findLf(src: Uint8Array, start: number): number {
	const stop = Math.min(start + SHORT, src.length);
	for (let k = start; k < stop; k++) if (src[k] === 10) return k;
	return stop === src.length ? -1 : src.indexOf(10, stop);
}

/** Lines up to this length are scanned and copied byte by byte (no native call, no subarray per line). */
const SHORT = 64;

function copyLine(src: Uint8Array, start: number, end: number, out: Uint8Array, o: number): number {
	if (end - start > SHORT) {
		out.set(src.subarray(start, end), o);
		o += end - start;
	} else for (let k = start; k < end; k++) out[o++] = src[k] ?? 0;
	out[o++] = 10;
	return o;
}

function qpLine(src: Uint8Array, start: number, end: number, out: Uint8Array, o: number): number {
	const soft = end > start && src[end - 1] === 61;
	const len = soft ? end - 1 : end;
	for (let i = start; i < len; i++) {
		const c = src[i] ?? 0;
		if (c === 61 && i + 2 < len) {
			const h = hexDigitValue(src[i + 1]);
			const l = hexDigitValue(src[i + 2]);
			if (h >= 0 && l >= 0) {
				out[o++] = (h << 4) | l;
				i += 2;
				continue;
			}
		}
		out[o++] = c;
	}
	if (!soft) out[o++] = 10;
	return o;
}

/**
 * A plain-text reading of HTML: every tag replaced by a space, in one pass (a '<' without a
 * later '>' ends the stripping, so a body of '<' is not quadratic). It stands in for
 * postal-mime's `htmlToText` where a large HTML body was decoded outside postal-mime.
 */
export function stripTags(html: string): string {
	const out: string[] = [];
	let at = 0;
	for (;;) {
		const open = html.indexOf('<', at);
		if (open === -1) break;
		const close = html.indexOf('>', open + 1);
		if (close === -1) break;
		out.push(html.slice(at, open), ' ');
		at = close + 1;
	}
	out.push(html.slice(at));
	return out.join('');
}

/** postal-mime's `textToHtml` inside its `<div>`: trimmed, `<>"'?&` as hex references, LF as `<br />`. */
export function textAsHtml(text: string): string {
	// split/join per character ('&' first): native passes, no callback per character of a huge body.
	let out = text.trim();
	for (const c of '&<>"\'?') out = out.split(c).join(`&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
	return out.split('\n').join('<br />');
}

/** A piece of output to put in place of the first (and only) occurrence of `form`. */
export interface Substitution {
	form: string;
	value: () => string;
}

/**
 * Puts each substitution's value where its form occurs in `s`, in one pass (no replacement
 * patterns). Null when a form occurs more than once, or when `marker` is left anywhere else in
 * `s` (a placeholder that came back in a shape not foreseen).
 * @returns the new string and the forms that occurred
 */
export function substitute(s: string, subs: readonly Substitution[], markers: readonly string[]): { text: string; found: Set<string> } | null {
	const hits: { at: number; sub: Substitution }[] = [];
	for (const sub of subs) {
		const at = s.indexOf(sub.form);
		if (at === -1) continue;
		if (s.indexOf(sub.form, at + 1) !== -1) return null;
		hits.push({ at, sub });
	}
	hits.sort((a, b) => a.at - b.at);
	const out: string[] = [];
	let from = 0;
	const found = new Set<string>();
	for (const { at, sub } of hits) {
		if (at < from) return null;
		out.push(s.slice(from, at), sub.value());
		from = at + sub.form.length;
		found.add(sub.form);
	}
	out.push(s.slice(from));
	for (let k = 0; k < out.length; k += 2) {
		const gap = out[k] ?? '';
		if (markers.some((m) => gap.includes(m))) return null;
	}
	return { text: out.join(''), found };
}
