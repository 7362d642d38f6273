/** Display and header reading for the ticket view and threading. */
import PostalMime from 'postal-mime';
import { decodeBase64, decodeCheckedBase64InPlace, decodeCleanBase64, isCleanBase64 } from './base64-decode';
import { bytesToLatin1, concatBytes, indexOfBytes, latin1ToBytes } from './bytes';
import { parseEntity, parts, type MimeEntity } from './entity';

/** A mail address; `address` is lower-cased. */
export interface Address {
	name?: string;
	address: string;
}

/** What the ticket view shows of a decrypted and verified entity. */
export interface DisplayContent {
	text: string;
	html?: string;
	attachments: { filename: string; mimeType: string; content: Uint8Array }[];
}

/** Leaf bodies from this size on are decoded by {@link largeParts}: postal-mime's line-by-line decoding costs seconds at 10 MB. */
const LARGE_PART = 64 * 1024;

/**
 * Turns an entity into text, HTML and attachments with postal-mime. Never rejects on malformed
 * input (returns empty text).
 *
 * Large base64 attachments are decoded here instead ({@link largeParts}): postal-mime gets the
 * message with those bodies replaced by short placeholders, so it still does the headers,
 * charsets, filenames, text and HTML, and each placeholder's attachment then takes the decoded
 * body. The result is the same as postal-mime's over the whole message; when postal-mime does
 * not give back every placeholder exactly once, the whole message goes to postal-mime.
 * @param largePart - leaf bodies from this many bytes on are decoded here (tests lower it)
 * @param scratch - `raw` is the caller's scratch: large bodies are decoded over themselves,
 *   once postal-mime's result is taken, so each attachment is a view of `raw` (no copies of
 *   attachment size); `raw` is left as it was whenever the whole message goes to postal-mime
 */
export async function toDisplay(raw: Uint8Array, largePart = LARGE_PART, scratch = false): Promise<DisplayContent> {
	const large = raw.length >= largePart ? largeParts(raw, largePart, scratch) : [];
	if (large.length > 0) {
		const fast = await withPlaceholders(raw, large);
		if (fast) return fast;
	}
	return (await parse(raw)) ?? { text: '', attachments: [] };
}

/** postal-mime's reading, or null when it throws. */
async function parse(raw: Uint8Array): Promise<DisplayContent | null> {
	try {
		// An attached message is an attachment (its .eml), never merged into the body: it is read and shown apart with its own verdict.
		const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true });
		const out: DisplayContent = {
			text: email.text ?? '',
			attachments: email.attachments.map((a) => ({
				filename: a.filename ?? (a.mimeType === 'message/rfc822' ? 'message.eml' : 'attachment'),
				mimeType: a.mimeType,
				content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content),
			})),
		};
		if (email.html) out.html = email.html;
		return out;
	} catch {
		return null;
	}
}

/** A large leaf body: its byte range in the message and how to get its decoded content. */
interface LargePart {
	start: number;
	end: number;
	/** The decoded content; for scratch input this decodes the body over itself, so it is called once, last. */
	content: () => Uint8Array;
}

/**
 * The leaves that postal-mime would take as attachments and that are large clean base64
 * (no line of which can be a boundary: clean base64 has no '-'). Text parts stay with
 * postal-mime (charsets, flowed text), as do message/* and calendar parts, which it reads.
 */
function largeParts(raw: Uint8Array, largePart: number, scratch: boolean): LargePart[] {
	const found: LargePart[] = [];
	const visit = (entity: MimeEntity): void => {
		const { type, subtype } = entity.contentType;
		if (type === 'multipart') {
			for (const child of parts(entity)) visit(child);
			return;
		}
		if (entity.body.length < largePart || type === 'text' || type === 'message' || (type === 'application' && subtype === 'ics')) return;
		if ((entity.header('content-transfer-encoding') ?? '').trim().toLowerCase() !== 'base64') return;
		const body = entity.body;
		const start = body.byteOffset - raw.byteOffset;
		if (scratch) {
			if (!isCleanBase64(body)) return;
			found.push({ start, end: start + body.length, content: () => decodeCheckedBase64InPlace(body) });
			return;
		}
		const content = decodeCleanBase64(body);
		if (!content) return;
		found.push({ start, end: start + body.length, content: () => content });
	};
	try {
		visit(parseEntity(raw));
	} catch {
		return []; // nested too deeply: postal-mime decides
	}
	return found;
}

/** Parses the message with the large bodies replaced by placeholders; null when the placeholders did not come back one to one. */
async function withPlaceholders(raw: Uint8Array, large: LargePart[]): Promise<DisplayContent | null> {
	const nonce = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
	const marker = `sealdesk-large-part-${nonce}-`;
	const tokens = large.map((_, k) => `${marker}${String(k)}.`);
	const pieces: Uint8Array[] = [];
	let at = 0;
	large.forEach((part, k) => {
		pieces.push(raw.subarray(at, part.start), latin1ToBytes(btoa(tokens[k] ?? '')));
		at = part.end;
	});
	pieces.push(raw.subarray(at));
	const display = await parse(concatBytes(pieces));
	if (!display || display.text.includes(marker) || display.html?.includes(marker)) return null;
	const markerBytes = latin1ToBytes(marker);
	const index = new Map(tokens.map((t, k) => [t, k]));
	const used = new Map<number, DisplayContent['attachments'][number]>();
	for (const a of display.attachments) {
		if (indexOfBytes(a.content, markerBytes) === -1) continue;
		const k = a.content.length < 100 ? index.get(bytesToLatin1(a.content)) : undefined;
		if (k === undefined || used.has(k)) return null;
		used.set(k, a);
	}
	if (used.size !== large.length) return null;
	// Only now, with the result taken, may a scratch body be decoded over itself.
	for (const [k, a] of used) {
		const part = large[k];
		if (part) a.content = part.content();
	}
	return display;
}

function decodeCharset(charset: string, bytes: Uint8Array): string {
	try {
		return new TextDecoder(charset).decode(bytes);
	} catch {
		return new TextDecoder('utf-8').decode(bytes);
	}
}

/** Decodes RFC 2047 encoded-words in a header value (adjacent words joined). Never throws. */
export function decodeHeaderWords(value: string): string {
	const joined = value.replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1');
	// Merge adjacent words of the same charset/encoding byte-wise, so split characters decode.
	const re = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;
	let out = '';
	let last = 0;
	const st: { pend: { cs: string; bytes: number[] } | null } = { pend: null };
	const flush = (): void => {
		if (st.pend) out += decodeCharset(st.pend.cs, new Uint8Array(st.pend.bytes));
		st.pend = null;
	};
	for (let m = re.exec(joined); m; m = re.exec(joined)) {
		if (m.index > last) {
			flush();
			out += joined.slice(last, m.index);
		}
		const cs = (m[1] ?? 'utf-8').toLowerCase();
		const data = m[3] ?? '';
		const bytes =
			(m[2] ?? '').toLowerCase() === 'b'
				? decodeBase64(latin1ToBytes(data))
				: latin1ToBytes(data.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))));
		const p = st.pend;
		if (p && p.cs === cs) for (const b of bytes) p.bytes.push(b);
		else {
			flush();
			st.pend = { cs, bytes: Array.from(bytes) };
		}
		last = m.index + m[0].length;
	}
	flush();
	out += joined.slice(last);
	return out;
}

const ADDR = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** True when `s` is a plain addr-spec suitable for the composer (local@domain.tld). */
export function isValidAddress(s: string): boolean {
	return s.length <= 254 && ADDR.test(s) && !s.startsWith('.') && !s.includes('..');
}

/** Parses an address-list header (RFC 5322, groups flattened, names RFC 2047-decoded). Invalid entries are skipped. */
export function parseAddressList(s: string): Address[] {
	const out: Address[] = [];
	const items: string[] = [];
	let cur = '';
	let q = false;
	let angle = false;
	for (let i = 0; i < s.length; i++) {
		const ch = s[i] ?? '';
		if (ch === '\\' && q) {
			cur += ch + (s[i + 1] ?? '');
			i++;
			continue;
		}
		if (ch === '"') q = !q;
		else if (!q && ch === '<') angle = true;
		else if (!q && ch === '>') angle = false;
		if (!q && !angle && (ch === ',' || ch === ';')) {
			items.push(cur);
			cur = '';
			continue;
		}
		if (!q && !angle && ch === ':') {
			cur = ''; // group name
			continue;
		}
		cur += ch;
	}
	items.push(cur);
	for (const raw of items) {
		const item = raw.replace(/\([^()]*\)/g, ' ').trim();
		if (!item) continue;
		const m = /^(.*)<\s*([^<>\s]+)\s*>\s*$/.exec(item);
		const address = (m ? (m[2] ?? '') : item).trim().toLowerCase();
		if (!isValidAddress(address)) continue;
		let name = m ? (m[1] ?? '').trim() : '';
		if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
		name = decodeHeaderWords(name).trim();
		out.push(name ? { name, address } : { address });
	}
	return out;
}

/** Headers the ticket view and threading need, decoded. */
export interface MessageHeaders {
	from?: Address;
	to: Address[];
	cc: Address[];
	deliveredTo: string[];
	subject: string;
	date?: Date;
	messageId?: string;
	inReplyTo?: string;
	references: string[];
}

function ids(v: string | undefined): string[] {
	return v ? (v.match(/<[^<>\s]+>/g) ?? []) : [];
}

/** Reads and decodes the top-level headers of a message. Never throws. */
export function readHeaders(raw: Uint8Array): MessageHeaders {
	const e = parseEntity(raw);
	const utf = (v: string): string => new TextDecoder('utf-8').decode(latin1ToBytes(v));
	const all = (n: string): string[] => e.headers.filter((h) => h.name.toLowerCase() === n).map((h) => utf(h.value));
	const one = (n: string): string | undefined => all(n)[0];
	const out: MessageHeaders = {
		to: all('to').flatMap(parseAddressList),
		cc: all('cc').flatMap(parseAddressList),
		deliveredTo: all('delivered-to').flatMap((v) => parseAddressList(v).map((a) => a.address)),
		subject: decodeHeaderWords(one('subject') ?? ''),
		references: ids(one('references')),
	};
	const from = parseAddressList(one('from') ?? '')[0];
	if (from) out.from = from;
	const d = one('date');
	if (d) {
		const t = new Date(d.replace(/\s*\([^)]*\)\s*$/, ''));
		if (!Number.isNaN(t.getTime())) out.date = t;
	}
	const mid = ids(one('message-id'))[0];
	if (mid) out.messageId = mid;
	const irt = ids(one('in-reply-to'))[0];
	if (irt) out.inReplyTo = irt;
	return out;
}
