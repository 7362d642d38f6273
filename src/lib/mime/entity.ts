/** Byte-exact MIME entity parsing: headers, Content-Type, multipart children, body decoding. */
import { decodeBase64 } from './base64-decode';
import { fromBinary, hexDigitValue, toBinary } from '../base/bytes';
import { MimeError } from './errors';

/** One header field: raw name and raw (unfolded, not RFC 2047-decoded) value. */
export interface Header {
	name: string;
	value: string;
}

/** A parsed Content-Type: lower-cased type/subtype, lower-cased parameter names. */
export interface ContentType {
	type: string;
	subtype: string;
	params: Record<string, string>;
}

/** A MIME entity with exact byte offsets into its raw bytes. */
export interface MimeEntity {
	headers: Header[];
	contentType: ContentType;
	/** First value of header `name` (case-insensitive), or undefined. */
	header(name: string): string | undefined;
	/** Exact entity bytes. */
	raw: Uint8Array;
	/** Offset in `raw` where the body starts (after the blank line). */
	headerEnd: number;
	/** Exact raw body bytes (a subarray of `raw`). */
	body: Uint8Array;
	/** Nesting depth (0 for the top entity). */
	depth: number;
	/**
	 * The splitting work left for the whole tree this entity belongs to: shared by the top entity
	 * and every part split from it (see {@link SPLIT_UNITS_PER_BYTE}).
	 */
	budget: SplitBudget;
}

/** Splitting work still allowed for one parsed tree, in units (see {@link SPLIT_UNITS_PER_BYTE}). */
export interface SplitBudget {
	left: number;
}

/**
 * The splitting work one parsed tree may do, in units per byte of the top entity. Every multipart
 * level searches its whole body for its delimiter, so a body of 50 MB nested 32 levels deep was
 * searched 32 times over: with empty lines (each one a place where a delimiter could start) that
 * took several seconds a pass. A unit is one line start examined, or 1,024 bytes scanned for one.
 * One unit a byte lets any message be split at least two levels deep even if it is nothing but
 * empty lines (CRLF: half a unit a byte a level); a 50 MB attachment of 76-byte lines costs 0.7
 * million units a level (of the 50 million its message gets), so honest mail, nested as deep as
 * mail is, stays far below it. Past it,
 * splitting stops with {@link TOO_COSTLY}.
 */
export const SPLIT_UNITS_PER_BYTE = 1;

/** The least budget a tree gets, however small its top entity. */
export const MIN_SPLIT_BUDGET = 1_000_000;

/** The sentence when a message would cost more than its budget to take apart. */
export const TOO_COSTLY = 'The message has too many lines in nested parts to be taken apart.';

/** A fresh budget for a tree whose top entity has `size` bytes. */
export function splitBudget(size: number): SplitBudget {
	return { left: Math.max(MIN_SPLIT_BUDGET, SPLIT_UNITS_PER_BYTE * size) };
}

/** Maximum nesting depth accepted by {@link parts}. */
export const MAX_DEPTH = 32;

/**
 * Header fields are read from at most this many bytes of a header block (Postfix refuses more
 * than 100 KB by default); the rest of a larger block is skipped, and the body still starts
 * after the empty line. A hostile header block of 50 MB was parsed again at every look-up.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/** Finds the end of the header block; returns [headerBytesEnd, bodyStart]. */
function findHeaderEnd(raw: Uint8Array): [number, number] {
	// Blank line at start: no headers.
	if (raw[0] === 10) return [0, 1];
	if (raw[0] === 13 && raw[1] === 10) return [0, 2];
	for (let i = raw.indexOf(10); i !== -1; i = raw.indexOf(10, i + 1)) {
		const n = raw[i + 1];
		if (n === 10) return [i + 1, i + 2];
		if (n === 13 && raw[i + 2] === 10) return [i + 1, i + 3];
	}
	return [raw.length, raw.length];
}

/** Parses a raw header block into fields. Lines without a colon are skipped. */
function parseHeaderBlock(text: string): Header[] {
	const out: Header[] = [];
	const lines = text.split(/\r?\n/);
	for (const line of lines) {
		if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
			const last = out[out.length - 1];
			if (last) last.value += line;
			continue;
		}
		const c = line.indexOf(':');
		if (c <= 0) continue;
		out.push({ name: line.slice(0, c).trim(), value: line.slice(c + 1).trim() });
	}
	return out;
}

/** Splits on `sep` outside double quotes. */
function splitUnquoted(s: string, sep: string): string[] {
	const out: string[] = [];
	let cur = '';
	let q = false;
	for (let i = 0; i < s.length; i++) {
		const ch = s[i] ?? '';
		if (ch === '\\' && q) {
			cur += ch + (s[i + 1] ?? '');
			i++;
		} else if (ch === '"') {
			q = !q;
			cur += ch;
		} else if (ch === sep && !q) {
			out.push(cur);
			cur = '';
		} else cur += ch;
	}
	out.push(cur);
	return out;
}

function unquote(v: string): string {
	const t = v.trim();
	if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
	return t;
}

/** The bytes of an RFC 2231 value segment: %XX escapes decoded, other characters as the header's bytes. */
function percentBytes(s: string, bytes: number[], decode: boolean): void {
	for (let i = 0; i < s.length; i++) {
		const ch = s[i] ?? '';
		if (decode && ch === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
			bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
			i += 2;
		} else bytes.push(ch.charCodeAt(0) & 0xff);
	}
}

/** Decodes bytes in a charset a TextDecoder knows, else as UTF-8. */
function decodeCharset(charset: string, bytes: number[]): string {
	try {
		return new TextDecoder(charset || 'utf-8').decode(new Uint8Array(bytes));
	} catch {
		return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
	}
}

/**
 * Parses a structured header value like `type/sub; a=b; c="d"` into its value and
 * parameters (names lower-cased; RFC 2231 continuations and charsets joined).
 */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
	const pieces = splitUnquoted(value, ';');
	const head = (pieces.shift() ?? '').trim();
	const params: Record<string, string> = {};
	const cont: Record<string, { idx: number; ext: boolean; v: string }[]> = {};
	for (const p of pieces) {
		const eq = p.indexOf('=');
		if (eq <= 0) continue;
		const rawName = p.slice(0, eq).trim().toLowerCase();
		const v = unquote(p.slice(eq + 1));
		const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(rawName);
		if (!m?.[1]) continue;
		if (m[2] === undefined && m[3] === undefined) {
			params[m[1]] = v;
			continue;
		}
		(cont[m[1]] ??= []).push({ idx: m[2] === undefined ? 0 : Number(m[2]), ext: m[3] !== undefined, v });
	}
	for (const [name, segs] of Object.entries(cont)) {
		segs.sort((a, b) => a.idx - b.idx);
		let charset = '';
		// One byte string for every segment, decoded once: an escaped character may be split
		// between two segments (RFC 2231 §4.1 allows any split).
		const bytes: number[] = [];
		segs.forEach((s, i) => {
			let v = s.v;
			if (i === 0 && s.ext) {
				const q1 = v.indexOf("'");
				const q2 = q1 === -1 ? -1 : v.indexOf("'", q1 + 1);
				if (q2 !== -1) {
					charset = v.slice(0, q1);
					v = v.slice(q2 + 1);
				}
			}
			percentBytes(v, bytes, s.ext);
		});
		params[name] = segs.some((s) => s.ext) ? decodeCharset(charset, bytes) : segs.map((s) => s.v).join('');
	}
	return { value: head, params };
}

/** Parses a Content-Type value; defaults to text/plain when absent or malformed. */
export function parseContentType(value: string | undefined): ContentType {
	const { value: v, params } = parseParams(value ?? '');
	const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(v);
	if (!m?.[1] || !m[2]) return { type: 'text', subtype: 'plain', params: value ? params : { charset: 'us-ascii' } };
	return { type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), params };
}

/**
 * Parses one MIME entity (or a whole message) without copying: `body` is a
 * subarray of `raw`. Never throws; missing headers give text/plain.
 */
export function parseEntity(raw: Uint8Array, depth = 0, budget: SplitBudget = splitBudget(raw.length)): MimeEntity {
	const [hEnd, bodyStart] = findHeaderEnd(raw);
	const headers = parseHeaderBlock(toBinary(raw.subarray(0, Math.min(hEnd, MAX_HEADER_BYTES))));
	const header = (name: string): string | undefined => {
		const n = name.toLowerCase();
		return headers.find((h) => h.name.toLowerCase() === n)?.value;
	};
	return {
		headers,
		contentType: parseContentType(header('content-type')),
		header,
		raw,
		headerEnd: bodyStart,
		body: raw.subarray(bodyStart),
		depth,
		budget,
	};
}

/** Result of splitting a multipart body into exact part byte ranges. */
export interface MultipartSplit {
	parts: Uint8Array[];
	/** True when the closing `--boundary--` delimiter was found. */
	closed: boolean;
}

/**
 * Splits a multipart body at its boundary, byte-exactly (RFC 2046 §5.1.1): each part
 * excludes the CRLF (or LF) that precedes the next delimiter. Never throws.
 * @param limit - stop after this many parts: the rest of the body is not split (and `closed` is
 *   false). A caller that only needs to know whether there are more than N passes N + 1, so a
 *   hostile body of a million parts costs no more than N + 1 of them.
 */
export function splitMultipart(body: Uint8Array, boundary: string, limit = Infinity, budget: SplitBudget = splitBudget(body.length)): MultipartSplit {
	const delim = fromBinary('--' + boundary);
	// A delimiter starts a line: look at line starts only (a native scan for LF), not at every '-',
	// so a hostile body of 50 MB of dashes is one scan. Each line start looked at, and every 1,024
	// bytes scanned, is charged to the tree's budget.
	const startsDelimiter = (at: number): boolean => {
		for (let j = 0; j < delim.length; j++) if (body[at + j] !== delim[j]) return false;
		return true;
	};
	const nextDelimiter = (at: number): number => {
		if (at === 0 && startsDelimiter(0)) return 0;
		// One tight loop over line starts: a flood of empty lines is 25 million of them in 50 MB, so
		// no call is made per line unless it starts with "--"; runs without LF go to a native scan.
		const n = body.length;
		let units = 0;
		let found = -1;
		for (let i = Math.max(at - 1, 0); i < n; ) {
			let lf = -1;
			const near = Math.min(i + 64, n);
			for (let k = i; k < near; k++) {
				if (body[k] === 10) {
					lf = k;
					break;
				}
			}
			if (lf === -1 && near < n) {
				lf = body.indexOf(10, near);
				units += ((lf === -1 ? n : lf) - near) / 1024;
			}
			// Charged as it goes, so the level that runs out stops there instead of at its end.
			if (++units >= 65_536) {
				budget.left -= units;
				units = 0;
				if (budget.left < 0) throw new MimeError(TOO_COSTLY);
			}
			if (lf === -1) break;
			if (body[lf + 1] === 45 && body[lf + 2] === 45 && startsDelimiter(lf + 1)) {
				found = lf + 1;
				break;
			}
			i = lf + 1;
		}
		budget.left -= units;
		if (budget.left < 0) throw new MimeError(TOO_COSTLY);
		return found;
	};
	const found: { start: number; lineStart: number; end: number; close: boolean }[] = [];
	let from = 0;
	for (;;) {
		const i = nextDelimiter(from);
		if (i === -1) break;
		const atLineStart = i === 0 || body[i - 1] === 10;
		let j = i + delim.length;
		const close = body[j] === 45 && body[j + 1] === 45;
		if (close) j += 2;
		// Rest of the delimiter line must be whitespace.
		let k = j;
		while (body[k] === 32 || body[k] === 9) k++;
		const lineOk = k >= body.length || body[k] === 13 || body[k] === 10;
		if (atLineStart && lineOk) {
			let lineStart = i;
			if (i > 0 && body[i - 1] === 10) lineStart = i > 1 && body[i - 2] === 13 ? i - 2 : i - 1;
			let end = k;
			if (body[end] === 13 && body[end + 1] === 10) end += 2;
			else if (body[end] === 10) end += 1;
			found.push({ start: i, lineStart, end, close });
			// limit + 1 delimiters make `limit` parts; the part after the last one runs to the end.
			if (close || found.length > limit) break;
		}
		from = i + delim.length;
	}
	const out: Uint8Array[] = [];
	let closed = false;
	for (let n = 0; n < found.length; n++) {
		const d = found[n];
		if (!d) continue;
		if (d.close) {
			closed = true;
			break;
		}
		const next = found[n + 1];
		if (out.length >= limit) break;
		out.push(body.subarray(d.end, next ? next.lineStart : body.length));
	}
	return { parts: out, closed };
}

/**
 * Returns the children of a multipart entity with their exact bytes, or [] when the
 * entity is not multipart. Throws MimeError when nesting exceeds {@link MAX_DEPTH}, or when the
 * tree's splitting budget runs out ({@link TOO_COSTLY}).
 * @param limit - at most this many children are split off and parsed (see {@link splitMultipart})
 */
export function parts(entity: MimeEntity, limit = Infinity): MimeEntity[] {
	if (entity.contentType.type !== 'multipart') return [];
	const boundary = entity.contentType.params.boundary;
	if (!boundary) return [];
	if (entity.depth + 1 > MAX_DEPTH) throw new MimeError('The message is nested too deeply.');
	return splitMultipart(entity.body, boundary, limit, entity.budget).parts.map((p) => parseEntity(p, entity.depth + 1, entity.budget));
}

function decodeQuotedPrintable(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(src.length);
	let o = 0;
	for (let i = 0; i < src.length; i++) {
		const c = src[i] ?? 0;
		if (c === 61) {
			// soft line break: '=' + optional whitespace + (CR)LF
			let j = i + 1;
			while (src[j] === 32 || src[j] === 9) j++;
			if (src[j] === 13 && src[j + 1] === 10) {
				i = j + 1;
				continue;
			}
			if (src[j] === 10) {
				i = j;
				continue;
			}
			if (j >= src.length) break;
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
	return out.slice(0, o);
}

/**
 * Decodes the entity body per Content-Transfer-Encoding (base64, quoted-printable,
 * 7bit/8bit/binary or unknown = as is). Lenient: never throws.
 */
export function decodeBody(entity: MimeEntity): Uint8Array {
	const cte = (entity.header('content-transfer-encoding') ?? '').trim().toLowerCase();
	if (cte === 'base64') return decodeBase64(entity.body);
	if (cte === 'quoted-printable') return decodeQuotedPrintable(entity.body);
	return entity.body;
}
