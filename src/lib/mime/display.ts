/** Display and header reading for the ticket view and threading. */
import PostalMime from 'postal-mime';
import { decodeBase64 } from './base64-decode';
import { latin1ToBytes } from './bytes';
import { parseEntity } from './entity';

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

/** Turns an entity into text, HTML and attachments with postal-mime. Never rejects on malformed input (returns empty text). */
export async function toDisplay(raw: Uint8Array): Promise<DisplayContent> {
	try {
		const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
		const out: DisplayContent = {
			text: email.text ?? '',
			attachments: email.attachments.map((a) => ({
				filename: a.filename ?? 'attachment',
				mimeType: a.mimeType,
				content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content),
			})),
		};
		if (email.html) out.html = email.html;
		return out;
	} catch {
		return { text: '', attachments: [] };
	}
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
