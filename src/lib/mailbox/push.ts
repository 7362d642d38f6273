/**
 * JMAP push over an event source (RFC 8620 §7.3), read from a `fetch` body stream: the browser's
 * EventSource cannot send the Authorization header the mailbox needs. A bounded Server-Sent
 * Events parser (the HTML standard's rules: `event:`, `data:`, `id:` fields, comments, CR, LF or
 * CRLF line ends, dispatch on a blank line) turns the bytes into events; `state` events carry a
 * StateChange. A hostile server cannot grow memory: a line or an event over the limit ends the
 * stream with an error.
 */
import { MailboxError } from './errors';
import type { FetchLike } from './types';

/**
 * The longest event id sent back as Last-Event-ID. An id the server gave that is longer, or has a
 * character outside printable ASCII (which fetch refuses in a header, or a proxy may), is not
 * sent: a hostile server could otherwise keep push from ever reopening.
 */
export const MAX_LAST_EVENT_ID = 256;

/** Whether an event id can be sent back as the Last-Event-ID header. */
export function sendableEventId(id: string): boolean {
	return id.length > 0 && id.length <= MAX_LAST_EVENT_ID && /^[\x20-\x7e]+$/.test(id);
}

/** Longest line and largest event (data plus fields) the parser accepts, in characters. */
export const MAX_SSE_LINE = 65_536;
/** @see MAX_SSE_LINE */
export const MAX_SSE_EVENT = 65_536;

/** One dispatched Server-Sent Event. */
export interface SseEvent {
	/** The `event:` field, 'message' when absent. */
	type: string;
	/** The `data:` lines joined with LF. */
	data: string;
	/** The last `id:` seen (the stream's last event id). */
	id: string;
}

/** Limits of an {@link SseParser}. */
export interface SseLimits {
	maxLine?: number;
	maxEvent?: number;
}

/**
 * An incremental Server-Sent Events parser: feed it text in chunks split anywhere (even between
 * the CR and LF of a line end) and it returns the events each chunk completes.
 */
export class SseParser {
	readonly #maxLine: number;
	readonly #maxEvent: number;
	#line = '';
	/** The previous chunk ended with CR: an LF starting the next one belongs to that line end. */
	#afterCr = false;
	#type = '';
	#data: string[] = [];
	#size = 0;
	#id = '';

	/**
	 * @param lastEventId - the last event id of the stream this one reopens: kept by events that
	 *   set none (a browser's EventSource keeps it across reconnections), reset by an empty `id:`
	 */
	constructor(limits: SseLimits = {}, lastEventId = '') {
		this.#maxLine = limits.maxLine ?? MAX_SSE_LINE;
		this.#maxEvent = limits.maxEvent ?? MAX_SSE_EVENT;
		this.#id = lastEventId;
	}

	/**
	 * Parses a chunk of text.
	 * @throws MailboxError 'protocol' when a line or an event exceeds the limits
	 */
	feed(chunk: string): SseEvent[] {
		const events: SseEvent[] = [];
		let start = 0;
		if (this.#afterCr && chunk.startsWith('\n')) start = 1;
		this.#afterCr = false;
		for (let i = start; i < chunk.length; i++) {
			const c = chunk.charCodeAt(i);
			if (c !== 10 && c !== 13) continue;
			this.#append(chunk.slice(start, i));
			this.#endLine(events);
			if (c === 13) {
				if (i + 1 === chunk.length) this.#afterCr = true;
				else if (chunk.charCodeAt(i + 1) === 10) i++;
			}
			start = i + 1;
		}
		this.#append(chunk.slice(start));
		return events;
	}

	#append(text: string): void {
		if (this.#line.length + text.length > this.#maxLine) {
			throw new MailboxError('protocol', `An event-source line is longer than ${String(this.#maxLine)} characters`);
		}
		this.#line += text;
	}

	#endLine(events: SseEvent[]): void {
		const line = this.#line;
		this.#line = '';
		if (line === '') {
			if (this.#data.length > 0) events.push({ type: this.#type || 'message', data: this.#data.join('\n'), id: this.#id });
			this.#type = '';
			this.#data = [];
			this.#size = 0;
			return;
		}
		if (line.startsWith(':')) return;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data' || field === 'event') {
			this.#size += line.length + 1;
			if (this.#size > this.#maxEvent) {
				throw new MailboxError('protocol', `An event-source event is larger than ${String(this.#maxEvent)} characters`);
			}
		}
		if (field === 'data') this.#data.push(value);
		else if (field === 'event') this.#type = value;
		else if (field === 'id' && !value.includes('\0')) this.#id = value;
		// 'retry' and unknown fields are ignored: the desk chooses when to reconnect.
	}
}

/** A StateChange's `changed`: for each account id, the new state of each changed type. */
export type StateChanges = Record<string, Record<string, string>>;

/** The `changed` map of a StateChange event's data, or null when the data is not one. */
export function parseStateChange(data: string): StateChanges | null {
	let json: unknown;
	try {
		json = JSON.parse(data);
	} catch {
		return null;
	}
	if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
	const { changed } = json as { changed?: unknown };
	if (typeof changed !== 'object' || changed === null || Array.isArray(changed)) return null;
	const out: StateChanges = {};
	for (const [account, types] of Object.entries(changed)) {
		if (typeof types !== 'object' || types === null || Array.isArray(types)) continue;
		const states: Record<string, string> = {};
		for (const [type, state] of Object.entries(types as Record<string, unknown>)) if (typeof state === 'string') states[type] = state;
		out[account] = states;
	}
	return out;
}

/** What {@link readEventSource} needs. */
export interface EventSourceOptions {
	/** The session's eventSourceUrl (an RFC 6570 template with {types}, {closeafter}, {ping}), absolute. */
	url: string;
	/** The session's URL: the event source must be on its origin. */
	sessionUrl: string;
	/** The Authorization header the client sends. */
	authorization: string;
	fetch: FetchLike;
	/** The data types to be told about. */
	types: string[];
	/** Ends the stream (the promise then resolves). */
	signal: AbortSignal;
	/** Called once the stream is open (2xx, text/event-stream). */
	onOpen?: () => void;
	/** Called with each StateChange. */
	onChange: (changed: StateChanges) => void;
	/** The last event id of an earlier stream, sent as Last-Event-ID (HTML standard, reconnection) when {@link sendableEventId}. */
	lastEventId?: string;
	/** Called with the stream's last event id (kept from event to event, '' once reset) at each event. */
	onEventId?: (id: string) => void;
	limits?: SseLimits;
}

/** The event-source URL for these types, no close after a state event, a ping every 30 s. */
export function eventSourceUrl(template: string, types: string[]): string {
	const values: Record<string, string> = { types: types.join(','), closeafter: 'no', ping: '30' };
	return template.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
}

/**
 * Opens the event source and reads it until it ends or `signal` aborts (then it resolves).
 * @throws MailboxError 'not-jmap' for an event source on another origin (before any request),
 *   'unreachable' for a network failure, 'request' for a non-2xx answer or another content type,
 *   'protocol' for a line or event over the limits
 */
export async function readEventSource(options: EventSourceOptions): Promise<void> {
	const url = eventSourceUrl(options.url, options.types);
	const origin = new URL(options.sessionUrl).origin;
	if (new URL(url).origin !== origin) throw new MailboxError('not-jmap', `The event source leaves the session's origin: ${url}`);
	let response: Response;
	try {
		response = await options.fetch(url, {
			headers: { authorization: options.authorization, accept: 'text/event-stream', ...(options.lastEventId !== undefined && sendableEventId(options.lastEventId) ? { 'last-event-id': options.lastEventId } : {}) },
			credentials: 'omit',
			cache: 'no-store',
			signal: options.signal
		});
	} catch (cause) {
		if (options.signal.aborted) return;
		throw new MailboxError('unreachable', cause instanceof Error ? cause.message : String(cause), { cause });
	}
	const type = response.headers.get('content-type') ?? '';
	if (!response.ok || !type.toLowerCase().startsWith('text/event-stream') || !response.body) {
		await response.body?.cancel().catch(() => undefined);
		throw new MailboxError('request', `HTTP ${String(response.status)} ${type || 'without content type'} from the event source`);
	}
	options.onOpen?.();
	const reader = response.body.getReader();
	const abort = (): void => void reader.cancel().catch(() => undefined);
	options.signal.addEventListener('abort', abort);
	const decoder = new TextDecoder();
	const parser = new SseParser(options.limits, options.lastEventId ?? '');
	try {
		for (;;) {
			let chunk: ReadableStreamReadResult<Uint8Array>;
			try {
				chunk = await reader.read();
			} catch (cause) {
				if (options.signal.aborted) return;
				throw new MailboxError('unreachable', cause instanceof Error ? cause.message : String(cause), { cause });
			}
			if (chunk.done || options.signal.aborted) return;
			for (const event of parser.feed(decoder.decode(chunk.value, { stream: true }))) {
				options.onEventId?.(event.id);
				if (event.type !== 'state') continue;
				const changed = parseStateChange(event.data);
				if (changed) options.onChange(changed);
			}
		}
	} finally {
		options.signal.removeEventListener('abort', abort);
		await reader.cancel().catch(() => undefined);
	}
}
