/** Display and header reading for the ticket view and threading. */
import PostalMime from 'postal-mime';
import { borrow, isOwned, type MaybeOwned, type OwnedBytes } from '../base/memory';
import { decodeBase64, decodeCheckedBase64InPlace, decodeCleanBase64, decodePostalBase64, isCleanBase64 } from './base64-decode';
import { concatBytes, fromBinary, toBinary, toHex } from '../base/bytes';
import { indexOfBytes } from './bytes';
import { parseEntity, parts, type MimeEntity } from './entity';
import { decodeLines, stripTags, substitute, textAsHtml } from './line-decode';
import { afterLines, calendarBytes, isCalendar, postalContentType, postalTransferEncoding, unread } from './postal-reading';

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

/**
 * Leaf bodies from this size on are decoded by {@link takenParts}: postal-mime's line-by-line
 * decoding costs seconds at 10 MB. It is also the budget of line-read body bytes (text, 7bit,
 * quoted-printable) that postal-mime reads in one message.
 */
const LARGE_PART = 64 * 1024;

/**
 * Turns an entity into text, HTML and attachments with postal-mime. Never rejects on malformed
 * input (returns empty text).
 *
 * Large bodies are decoded here instead ({@link takenParts}): large base64 attachments (damaged
 * base64 decoded as postal-mime decodes it), and the bodies postal-mime would read line by line (text/plain, text/html, any 7bit, 8bit,
 * binary or quoted-printable leaf) beyond a budget, whose per-line cost made a 50 MB mail of
 * empty lines take minutes. postal-mime gets the message with those bodies replaced by short
 * placeholders, so it still does the headers, structure, filenames and small texts, and each
 * placeholder's text, HTML or attachment then takes the decoded body. The result is the same
 * as postal-mime's over the whole message except as {@link withPlaceholders} documents (a
 * large format=flowed text or calendar is not unwrapped); when postal-mime does not give back
 * every placeholder exactly once, the whole message goes to postal-mime, which then reads at
 * most {@link MAX_READ_LINES} lines of it (the start is shown, then {@link NOT_ALL_SHOWN}).
 * @param input - the entity: borrowed (a plain array, left as it was), or owned ({@link own}):
 *   then large base64 bodies are decoded over themselves, once postal-mime's result is taken, so
 *   each attachment is a view of the input (no copies of attachment size); owned input is left
 *   as it was whenever the whole message goes to postal-mime
 * @param crypto - draws the nonce of the placeholders that stand for large bodies, which the
 *   message's author must not be able to guess
 * @param largePart - leaf bodies from this many bytes on are decoded here (tests lower it)
 */
export async function toDisplay(input: MaybeOwned, crypto: Crypto, largePart = LARGE_PART): Promise<DisplayContent> {
	const raw = borrow(input);
	const taken: Taken = raw.length >= largePart ? takenParts(raw, largePart, isOwned(input) ? input : null) : { large: [], lines: [], cut: [] };
	const cutBytes = taken.cut.reduce((sum, c) => sum + c.end - c.start, 0);
	if (taken.large.length > 0 || taken.lines.length > 0 || cutBytes >= largePart) {
		const fast = await withPlaceholders(raw, taken, crypto);
		if (fast) return fast;
	}
	const cut = afterLines(raw, MAX_READ_LINES);
	if (cut === -1) return (await parse(raw)) ?? { text: '', attachments: [] };
	// Read otherwise than we read it, and too many lines for postal-mime: only the start is shown.
	const start = (await parse(raw.subarray(0, cut))) ?? { text: '', attachments: [] };
	start.text = start.text ? `${start.text}\n\n${NOT_ALL_SHOWN}` : NOT_ALL_SHOWN;
	if (start.html !== undefined) start.html += `<p>${NOT_ALL_SHOWN}</p>`;
	return start;
}

/**
 * The most lines postal-mime is given in one message (about 17 µs each for a 7bit body, so
 * about 1 s). The bodies it would read line by line are decoded here and given to it as
 * placeholders, so it meets this cap only when it would read the message's structure otherwise
 * than we do (or headers fill it): then it reads the first lines only.
 */
export const MAX_READ_LINES = 50_000;

/** Ends the text of a message of which only the first {@link MAX_READ_LINES} lines are shown. */
export const NOT_ALL_SHOWN = 'The rest of this message is not shown: its parts could not be told apart safely, and it has too many lines to read whole.';

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
	/** The decoded content; for owned input this decodes the body over itself, so it is called once, last. */
	content: () => Uint8Array;
	/** The Content-Type charset, for a calendar (postal-mime makes its content from the text). */
	charset: string | undefined;
}

/**
 * A leaf body that postal-mime would read line by line (text, or any 7bit, 8bit, binary or
 * quoted-printable leaf), decoded here: postal-mime gets a one-line placeholder instead.
 */
interface LineLeaf {
	start: number;
	end: number;
	/** The body decoded as postal-mime's decoder does (a fresh buffer, never a view of the input). */
	bytes: Uint8Array;
	/** The Content-Type charset, for the text postal-mime would make of the bytes. */
	charset: string | undefined;
	html: boolean;
	/** The placeholder's body is base64 of the token (postal-mime gives the token back without a line break). */
	base64: boolean;
}

/**
 * The leaves whose bodies postal-mime does not read (large base64 attachments and line-read
 * leaves), and the byte ranges it reads but never uses: preambles, epilogues and the body of a
 * multipart without a delimiter, which are left out of its input.
 */
interface Taken {
	large: LargePart[];
	lines: LineLeaf[];
	cut: { start: number; end: number }[];
}

/**
 * Which leaves postal-mime does not read.
 *
 * Base64 attachments: large clean base64 (no line of which can be a boundary: clean base64 has
 * no '-'), decoded as bytes. Damaged base64 (junk, URL-safe characters, missing or inner
 * padding, a character a line: "QQ" lines are 4 bytes a line) is read line by line by
 * postal-mime, so it counts against the budget below like a line-read leaf, and once large or
 * over budget is decoded here with {@link decodePostalBase64}, which gives postal-mime's bytes.
 Small clean base64 attachments have a budget of their own, also `largePart` bytes (so text
 * is not taken from postal-mime because of them): 800 attachments of 60 KB of 4-character lines
 * are 8 million lines.
 *
 * Leaves are classified as postal-mime classifies them (postal-reading.ts): the first
 * Content-Transfer-Encoding header, comments stripped, its first word; the first Content-Type,
 * comments stripped. Multiparts: the ranges postal-mime reads and drops (preamble, epilogue, a
 * body without delimiters) are cut from its input (`unread`).
 *
 * Line-read leaves (text, calendars (text/calendar, application/ics) in any encoding, and any
 * 7bit, 8bit, binary or quoted-printable leaf of any type, message/* included): postal-mime spends about 10 µs per line, and a line can be one byte, so what
 * bounds its time is the number of body bytes it reads, summed over all leaves (a per-leaf
 * threshold alone would let 800 leaves of just under 64 KB through, 26 million lines). So the
 * leaves are read in order and postal-mime keeps them while their bodies total under
 * `largePart` bytes (64 KB: at most 64k lines, well under a second); a leaf of `largePart` bytes
 * or more, and every leaf once the budget is spent, is decoded here. Damaged base64 text is decoded
 * with {@link decodePostalBase64} (postal-mime's bytes), clean base64 text with the fast decoder. Ordinary mail (a text
 * under 64 KB) is read by postal-mime exactly as before. A calendar attachment gets postal-mime's
 * calendar bytes of the decoded text ({@link calendarBytes}), decided by the type postal-mime gives it.
 */
function takenParts(raw: Uint8Array, largePart: number, owner: OwnedBytes | null): Taken {
	const taken: Taken = { large: [], lines: [], cut: [] };
	let budget = largePart;
	let base64Budget = largePart;
	const offset = (bytes: Uint8Array): number => bytes.byteOffset - raw.byteOffset;
	const visit = (entity: MimeEntity): void => {
		const contentType = postalContentType(entity.headers);
		const { type, subtype } = contentType;
		if (type === 'multipart') {
			const children = parts({ ...entity, contentType });
			taken.cut.push(...unread(raw, offset(entity.body), entity.body.length, children));
			for (const child of children) visit(child);
			return;
		}
		const body = entity.body;
		if (body.length === 0) return;
		const start = offset(body);
		const cte = postalTransferEncoding(entity.headers);
		const charset = contentType.params.charset;
		// Calendars are text to postal-mime whatever their type's first word: their content is made from the decoded text.
		if (cte !== 'base64' || type === 'text' || isCalendar(`${type}/${subtype}`)) {
			const small = body.length < largePart && body.length <= budget;
			if (small) {
				budget -= body.length;
				return;
			}
			const atEnd = start + body.length === raw.length;
			// Damaged base64 (junk, missing or inner padding, a character a line) decoded as postal-mime does.
			const bytes = cte === 'base64' ? (decodeCleanBase64(body) ?? decodePostalBase64(body)) : decodeLines(body, cte === 'qp', atEnd);
			taken.lines.push({ start, end: start + body.length, bytes, charset, html: type === 'text' && subtype === 'html', base64: cte === 'base64' });
			return;
		}
		const clean = isCleanBase64(body);
		if (clean && body.length < largePart && body.length <= base64Budget) {
			// Small clean attachments are also read a line at a time (about 1 µs a line): their own budget.
			base64Budget -= body.length;
			return;
		}
		if (!clean && body.length < largePart && body.length <= budget) {
			// Damaged base64 is read line by line too: it counts against the same budget.
			budget -= body.length;
			return;
		}
		const end = start + body.length;
		if (!clean) {
			// Decoded now, as postal-mime would: over itself for owned input (only once taken), else into a fresh buffer.
			const mine = owner?.part(body).bytes;
			taken.large.push({ start, end, charset, content: mine ? () => decodePostalBase64(mine, mine) : once(() => decodePostalBase64(body)) });
			return;
		}
		if (owner) {
			const mine = owner.part(body).bytes;
			taken.large.push({ start, end, charset, content: () => decodeCheckedBase64InPlace(mine) });
			return;
		}
		const content = decodeCleanBase64(body);
		if (!content) return;
		taken.large.push({ start, end, charset, content: () => content });
	};
	try {
		visit(parseEntity(raw));
	} catch {
		return { large: [], lines: [], cut: [] }; // nested too deeply: postal-mime decides (within its line cap)
	}
	return taken;
}

/** `f`, called at most once: later calls give its first result. */
function once(f: () => Uint8Array): () => Uint8Array {
	let result: Uint8Array | undefined;
	return () => (result ??= f());
}

/** postal-mime's text of decoded bytes: the charset's decoder, UTF-8 for an unknown one. */
function leafText(leaf: LineLeaf): string {
	return decodeCharset((leaf.charset ?? 'utf-8').trim().toLowerCase(), leaf.bytes);
}

/**
 * Parses the message with the taken bodies replaced by placeholders, then puts the decoded
 * content where each placeholder came out; null when the placeholders did not come back one to
 * one.
 *
 * A line-read leaf's token comes back as "token\n" (or the bare token from base64) in the text of
 * a text/plain leaf, the html of a text/html leaf, or an attachment's bytes; a text/plain leaf
 * shown in HTML beside an HTML part comes back as postal-mime's `textToHtml` of it, which
 * {@link textAsHtml} repeats. Deliberate differences from postal-mime over the whole message,
 * for taken leaves only: format=flowed is not unwrapped (its per-line work is what is bounded
 * here; the text is shown with its soft line breaks), the text postal-mime derives from HTML
 * when a message has no text/plain is {@link stripTags} of it rather than postal-mime's
 * `htmlToText`, and a charset TextDecoder does not know is read as UTF-8 (as in headers).
 */
async function withPlaceholders(raw: Uint8Array, taken: Taken, crypto: Crypto): Promise<DisplayContent | null> {
	const nonce = toHex(crypto.getRandomValues(new Uint8Array(12)));
	const marker = `sealdesk-large-part-${nonce}-`;
	// For 7bit and quoted-printable bodies: letters, digits and a dot (no '=', no '-': neither an escape nor a boundary).
	const textMarker = `sealdeskLargeText${nonce}n`;
	const tokens = taken.large.map((_, k) => `${marker}${String(k)}.`);
	const textTokens = taken.lines.map((_, k) => `${textMarker}${String(k)}.`);
	const replaced = [
		...taken.large.map((p, k) => ({ start: p.start, end: p.end, body: fromBinary(btoa(tokens[k] ?? '')) })),
		...taken.lines.map((l, k) => {
			const token = textTokens[k] ?? '';
			return { start: l.start, end: l.end, body: fromBinary(l.base64 ? btoa(token) : token) };
		}),
		...taken.cut.map((c) => ({ start: c.start, end: c.end, body: new Uint8Array(0) })),
	].sort((a, b) => a.start - b.start);
	const pieces: Uint8Array[] = [];
	let at = 0;
	for (const r of replaced) {
		pieces.push(raw.subarray(at, r.start), r.body);
		at = r.end;
	}
	pieces.push(raw.subarray(at));
	const message = concatBytes(pieces);
	// Whatever the bodies, postal-mime is never given more lines than its cap (header floods, structure read otherwise).
	if (afterLines(message, MAX_READ_LINES) !== -1) return null;
	const display = await parse(message);
	if (!display) return null;
	const markers = [marker, textMarker];

	// What postal-mime gives back for a line-read token: the token and the line break it reads after it.
	const form = (k: number): string => (textTokens[k] ?? '') + (taken.lines[k]?.base64 ? '' : '\n');
	const texts = new Map<number, string>();
	const textOf = (k: number): string => {
		const cached = texts.get(k);
		if (cached !== undefined) return cached;
		const leaf = taken.lines[k];
		const t = leaf ? leafText(leaf) : '';
		texts.set(k, t);
		return t;
	};
	const text = substitute(
		display.text,
		taken.lines.map((l, k) =>
			({ form: form(k), value: l.html ? () => stripTags(textOf(k)) : () => textOf(k) })
		),
		markers
	);
	const html =
		display.html === undefined
			? { text: undefined, found: new Set<string>() }
			: substitute(
					display.html,
					taken.lines.map((l, k) =>
						l.html ? { form: form(k), value: () => textOf(k) } : { form: textTokens[k] ?? '', value: () => textAsHtml(textOf(k)) }
					),
					markers
				);
	if (!text || !html) return null;

	const markerBytes = fromBinary(marker);
	const textMarkerBytes = fromBinary(textMarker);
	const index = new Map(tokens.map((t, k) => [t, k]));
	const textIndex = new Map(textTokens.map((t, k) => [t, k]));
	// An attachment's content is the placeholder's decoded body: the token, plus the line break a
	// line-read body has; a calendar's always ends in one line break, whatever its encoding.
	const tokenIn = (a: DisplayContent['attachments'][number], tokenIndex: Map<string, number>, lineBreak: (k: number) => boolean): number | undefined => {
		const small = a.content.length < 100 ? toBinary(a.content) : '';
		const token = small.endsWith('\n') ? small.slice(0, -1) : small;
		const k = tokenIndex.get(token);
		if (k === undefined) return undefined;
		return small === token + (isCalendar(a.mimeType) || lineBreak(k) ? '\n' : '') ? k : undefined;
	};
	const used = new Map<number, DisplayContent['attachments'][number]>();
	const usedText = new Map<number, DisplayContent['attachments'][number]>();
	for (const a of display.attachments) {
		if (indexOfBytes(a.content, markerBytes) !== -1) {
			const k = tokenIn(a, index, () => false);
			if (k === undefined || used.has(k)) return null;
			used.set(k, a);
		} else if (indexOfBytes(a.content, textMarkerBytes) !== -1) {
			const k = tokenIn(a, textIndex, (j) => taken.lines[j]?.base64 !== true);
			if (k === undefined || usedText.has(k)) return null;
			usedText.set(k, a);
		}
	}
	if (used.size !== taken.large.length) return null;
	for (let k = 0; k < taken.lines.length; k++) {
		const inText = text.found.has(form(k)) || text.found.has(textTokens[k] ?? '');
		const inHtml = html.found.has(form(k)) || html.found.has(textTokens[k] ?? '');
		const inAttachment = usedText.has(k);
		if (inAttachment ? inText || inHtml : !inText && !inHtml) return null;
	}
	display.text = text.text;
	if (html.text) display.html = html.text;
	else delete display.html; // postal-mime leaves out an empty html
	for (const [k, a] of usedText) {
		const leaf = taken.lines[k];
		if (leaf) a.content = isCalendar(a.mimeType) ? calendarBytes(textOf(k)) : leaf.bytes;
	}
	// Only now, with the result taken, may an owned body be decoded over itself.
	for (const [k, a] of used) {
		const part = taken.large[k];
		if (!part) continue;
		const content = part.content();
		a.content = isCalendar(a.mimeType) ? calendarBytes(decodeCharset((part.charset ?? 'utf-8').trim().toLowerCase(), content)) : content;
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
				? decodeBase64(fromBinary(data))
				: fromBinary(data.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))));
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
	const utf = (v: string): string => new TextDecoder('utf-8').decode(fromBinary(v));
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
