/**
 * A small typed JMAP client (RFC 8620, RFC 8621): session discovery, method calls, blobs, and
 * the mail methods the desk uses. It takes `fetch` as a parameter, as the pure layers take
 * `crypto`, so it runs unchanged in a page, a Worker and Node tests. No DOM, no IndexedDB,
 * no state beyond the session: the desk owns sync state and the outbox.
 */
import { concatBytes, toBase64 } from '../base/bytes';
import { JmapMethodError, MailboxError } from './errors';
import { readEventSource, type StateChanges } from './push';
import {
	CORE_CAPABILITY,
	MAIL_CAPABILITY,
	SUBMISSION_CAPABILITY,
	type ChangesResult,
	type EmailSummary,
	type Envelope,
	type FetchLike,
	type Identity,
	type Invocation,
	type JmapSession,
	type Mailbox,
	type QueryResult,
	type UploadedBlob
} from './types';

/** How to reach and authenticate to the server. */
export interface ConnectOptions {
	/** The session URL, absolute or relative to `base` (the app's default is `/jmap`). */
	sessionUrl: string;
	/** The user name; with `password` it is sent as HTTP Basic. */
	username: string;
	/** The password, or a token when `username` is empty (sent as Bearer). */
	password: string;
	fetch: FetchLike;
	/** What a relative session URL is resolved against (in a page: its location). */
	base?: string;
}

const EMAIL_PROPERTIES = ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt', 'messageId'] as const;
const USING = [CORE_CAPABILITY, MAIL_CAPABILITY, SUBMISSION_CAPABILITY];

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function authorization(username: string, password: string): string {
	if (username === '') return `Bearer ${password}`;
	const bytes = new TextEncoder().encode(`${username}:${password}`);
	return `Basic ${toBase64(bytes)}`;
}

function resolve(url: string, base: string | undefined): string {
	try {
		return new URL(url, base).href;
	} catch (cause) {
		throw new MailboxError('unreachable', `Not a URL: ${url}`, { cause });
	}
}

/** Expands an RFC 6570 level-1 template such as `/jmap/download/{accountId}/{blobId}/{name}?accept={type}`. */
function expand(template: string, values: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
}

async function send(fetchFn: FetchLike, url: string, init: RequestInit): Promise<Response> {
	let response: Response;
	try {
		// No cookies, and no browser login prompt on a 401 with WWW-Authenticate (Chromium shows
		// one for requests that may carry credentials): the Authorization header is ours.
		response = await fetchFn(url, { ...init, credentials: 'omit' });
	} catch (cause) {
		throw new MailboxError('unreachable', cause instanceof Error ? cause.message : String(cause), { cause });
	}
	if (response.status === 401 || response.status === 403) {
		throw new MailboxError('unauthorized', `HTTP ${response.status} from ${url}`);
	}
	return response;
}

/**
 * The largest JSON answer read. A page of 50 Email summaries is a few KB, a session a few; a
 * hostile or broken server that streams without end must not grow the desk's memory.
 */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * A response body of at most `max` bytes, or null when it is longer: reading stops there and the
 * rest is cancelled (a declared Content-Length over `max` is refused before reading).
 * @throws MailboxError 'unreachable' when the connection fails while reading
 */
async function readCapped(response: Response, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
	const declared = Number(response.headers.get('content-length') ?? NaN);
	if (declared > max) {
		await response.body?.cancel().catch(() => undefined);
		return null;
	}
	if (!response.body) return new Uint8Array(0);
	const reader = response.body.getReader();
	// The length told: one buffer of it, filled as chunks come; else (or past it) the chunks are joined.
	let exact = Number.isInteger(declared) && declared >= 0 ? new Uint8Array(declared) : null;
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (size + value.length > max) {
				await reader.cancel().catch(() => undefined);
				return null;
			}
			if (exact && size + value.length <= exact.length) exact.set(value, size);
			else {
				if (exact) chunks.push(exact.subarray(0, size));
				exact = null;
				chunks.push(value);
			}
			size += value.length;
		}
	} catch (cause) {
		throw new MailboxError('unreachable', cause instanceof Error ? cause.message : String(cause), { cause });
	}
	if (exact) return size === exact.length ? exact : exact.slice(0, size);
	return concatBytes(chunks);
}

async function readJson(response: Response, url: string, code: 'not-jmap' | 'protocol'): Promise<unknown> {
	const type = response.headers.get('content-type') ?? '';
	if (!type.includes('json')) throw new MailboxError(code, `HTTP ${response.status} ${type || 'without content type'} from ${url}`);
	const body = await readCapped(response, MAX_JSON_BYTES);
	if (body === null) throw new MailboxError(code, `An answer over ${String(MAX_JSON_BYTES / 1024 / 1024)} MB from ${url}`);
	try {
		return JSON.parse(new TextDecoder().decode(body)) as unknown;
	} catch (cause) {
		throw new MailboxError(code, `Invalid JSON from ${url}`, { cause });
	}
}

/** Reads and checks the session resource. @throws MailboxError */
function parseSession(json: unknown, url: string): JmapSession {
	if (
		!isRecord(json) ||
		typeof json.apiUrl !== 'string' ||
		typeof json.downloadUrl !== 'string' ||
		typeof json.uploadUrl !== 'string' ||
		!isRecord(json.capabilities) ||
		!isRecord(json.accounts) ||
		!isRecord(json.primaryAccounts)
	) {
		throw new MailboxError('not-jmap', `No JMAP session at ${url}`);
	}
	if (!(CORE_CAPABILITY in json.capabilities)) throw new MailboxError('not-jmap', `No ${CORE_CAPABILITY} at ${url}`);
	// Session URLs may be relative (Cyrus answers "/jmap/"): resolve them against the session's own URL.
	// They must stay on its origin: the credentials go to each of them.
	const origin = new URL(url).origin;
	for (const key of ['apiUrl', 'downloadUrl', 'uploadUrl', 'eventSourceUrl'] as const) {
		const value = json[key];
		if (typeof value === 'string' && !resolve(value, url).startsWith(`${origin}/`)) {
			throw new MailboxError('not-jmap', `The session's ${key} leaves the session's origin: ${value}`);
		}
	}
	return {
		username: typeof json.username === 'string' ? json.username : '',
		apiUrl: resolve(json.apiUrl, url),
		downloadUrl: resolve(json.downloadUrl, url).replace(/%7B/gi, '{').replace(/%7D/gi, '}'),
		uploadUrl: resolve(json.uploadUrl, url).replace(/%7B/gi, '{').replace(/%7D/gi, '}'),
		eventSourceUrl: typeof json.eventSourceUrl === 'string' ? resolve(json.eventSourceUrl, url).replace(/%7B/gi, '{').replace(/%7D/gi, '}') : null,
		state: typeof json.state === 'string' ? json.state : '',
		capabilities: json.capabilities,
		accounts: json.accounts as JmapSession['accounts'],
		primaryAccounts: json.primaryAccounts as Record<string, string>
	};
}

/** A connected JMAP client for one account. Create it with {@link JmapClient.connect}. */
export class JmapClient {
	readonly session: JmapSession;
	/** The mail account (the session's primary account for mail). */
	readonly accountId: string;
	readonly #fetch: FetchLike;
	readonly #auth: string;
	readonly #sessionUrl: string;
	#callCounter = 0;

	private constructor(session: JmapSession, accountId: string, fetchFn: FetchLike, auth: string, sessionUrl: string) {
		this.session = session;
		this.accountId = accountId;
		this.#fetch = fetchFn;
		this.#auth = auth;
		this.#sessionUrl = sessionUrl;
	}

	/**
	 * Fetches the session and picks the mail account.
	 * @throws MailboxError 'unreachable', 'unauthorized', 'not-jmap' or 'no-mail'
	 */
	static async connect(options: ConnectOptions): Promise<JmapClient> {
		const url = resolve(options.sessionUrl, options.base);
		// In the page, only the app's own origin can be reached (connect-src 'self'): say so, rather
		// than let the request fail as "could not be reached".
		if (options.base !== undefined && new URL(url).origin !== new URL(options.base).origin) {
			throw new MailboxError('other-origin', `${url} is not on ${new URL(options.base).origin}`);
		}
		const auth = authorization(options.username, options.password);
		const response = await send(options.fetch, url, { headers: { authorization: auth, accept: 'application/json' } });
		if (!response.ok) throw new MailboxError('not-jmap', `HTTP ${response.status} from ${url}`);
		// After redirects (/.well-known/jmap to /jmap), relative URLs resolve against where we ended up.
		const finalUrl = response.url || url;
		const session = parseSession(await readJson(response, url, 'not-jmap'), finalUrl);
		const accountId = session.primaryAccounts[MAIL_CAPABILITY];
		if (!(MAIL_CAPABILITY in session.capabilities) || accountId === undefined || !(accountId in session.accounts)) {
			throw new MailboxError('no-mail', `The session at ${url} has no ${MAIL_CAPABILITY} account`);
		}
		return new JmapClient(session, accountId, options.fetch, auth, finalUrl);
	}

	/**
	 * Reads the session's event source (RFC 8620 §7.3) until it ends or `signal` aborts, calling
	 * `onChange` with each StateChange. Resolves at once, with false, when the session offers none.
	 * @throws MailboxError when the event source fails to open, fails while open, or breaks the limits
	 */
	async events(options: { types: string[]; signal: AbortSignal; onOpen?: () => void; onChange: (changed: StateChanges) => void; lastEventId?: string; onEventId?: (id: string) => void }): Promise<boolean> {
		if (this.session.eventSourceUrl === null) return false;
		await readEventSource({ ...options, url: this.session.eventSourceUrl, sessionUrl: this.#sessionUrl, authorization: this.#auth, fetch: this.#fetch });
		return true;
	}

	/** Whether the session offers EmailSubmission (sending). */
	get canSubmit(): boolean {
		return SUBMISSION_CAPABILITY in this.session.capabilities && this.session.primaryAccounts[SUBMISSION_CAPABILITY] === this.accountId;
	}

	/**
	 * Sends method calls in one request and returns the responses in order.
	 * Per-method errors are returned as `['error', {...}, id]`, not thrown.
	 * @throws MailboxError for transport, authentication and request-level failures
	 */
	async request(calls: Invocation[]): Promise<Invocation[]> {
		const url = this.session.apiUrl;
		const response = await send(this.#fetch, url, {
			method: 'POST',
			headers: { authorization: this.#auth, 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ using: USING, methodCalls: calls })
		});
		const json = await readJson(response, url, 'protocol');
		if (!response.ok || !isRecord(json) || !Array.isArray(json.methodResponses)) {
			const detail = isRecord(json) && typeof json.type === 'string' ? `${json.type}${typeof json.detail === 'string' ? `: ${json.detail}` : ''}` : `HTTP ${response.status}`;
			throw new MailboxError(response.ok ? 'protocol' : 'request', detail);
		}
		return json.methodResponses as Invocation[];
	}

	/**
	 * Calls one method and returns its arguments.
	 * @throws JmapMethodError when the server answers the method with an error
	 * @throws MailboxError for transport failures
	 */
	async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
		const id = `c${String(++this.#callCounter)}`;
		const responses = await this.request([[method, { accountId: this.accountId, ...args }, id]]);
		const answer = responses.find((r) => r[2] === id);
		if (!answer || !isRecord(answer[1])) throw new MailboxError('protocol', `No response to ${method}`);
		if (answer[0] === 'error') throw new JmapMethodError(method, answer[1]);
		return answer[1];
	}

	/** Every mailbox of the account. @throws JmapMethodError, MailboxError */
	async mailboxes(): Promise<Mailbox[]> {
		const result = await this.call('Mailbox/get', { ids: null, properties: ['id', 'name', 'parentId', 'role', 'totalEmails', 'unreadEmails'] });
		return (result.list as Mailbox[] | undefined) ?? [];
	}

	/** The mailbox with a role ('inbox', 'sent', …), or null when there is none. */
	async mailboxByRole(role: string): Promise<Mailbox | null> {
		return (await this.mailboxes()).find((m) => m.role === role) ?? null;
	}

	/**
	 * Email/query: ids in a mailbox (or matching a filter), oldest first by default. With an
	 * anchor, the page starts `anchorOffset` ids after that Email (RFC 8620 §5.5), wherever
	 * destroyed mail has moved it; the answer's position says where that is.
	 * @throws JmapMethodError (type 'anchorNotFound' when the anchor is no longer in the results), MailboxError
	 */
	async queryEmails(options: { filter?: Record<string, unknown>; position?: number; anchor?: string; anchorOffset?: number; limit?: number; newestFirst?: boolean }): Promise<QueryResult> {
		const args = {
			filter: options.filter ?? null,
			sort: [{ property: 'receivedAt', isAscending: options.newestFirst !== true }],
			...(options.anchor !== undefined ? { anchor: options.anchor, anchorOffset: options.anchorOffset ?? 0 } : { position: options.position ?? 0 }),
			...(options.limit !== undefined ? { limit: options.limit } : {}),
			calculateTotal: true
		};
		let result: Record<string, unknown>;
		for (let attempt = 1; ; attempt++) {
			try {
				result = await this.call('Email/query', args);
				break;
			} catch (error) {
				// Cyrus 3.6 now and then answers invalidArguments (filter/inMailbox) for a mailbox that
				// exists, while other sessions write; the same query a moment later succeeds.
				const transient = error instanceof JmapMethodError && error.type === 'invalidArguments' && JSON.stringify(error.properties.arguments ?? []).includes('inMailbox');
				if (!transient || attempt >= 5) throw error;
				await new Promise((r) => setTimeout(r, 100 * attempt));
			}
		}
		return {
			ids: result.ids as string[],
			queryState: String(result.queryState),
			position: Number(result.position ?? 0),
			total: typeof result.total === 'number' ? result.total : null
		};
	}

	/**
	 * Email/changes since a state.
	 * @throws JmapMethodError with type 'cannotCalculateChanges' when the state is too old
	 */
	async emailChanges(sinceState: string, maxChanges?: number): Promise<ChangesResult> {
		const result = await this.call('Email/changes', { sinceState, ...(maxChanges !== undefined ? { maxChanges } : {}) });
		return {
			oldState: String(result.oldState),
			newState: String(result.newState),
			hasMoreChanges: result.hasMoreChanges === true,
			created: (result.created as string[] | undefined) ?? [],
			updated: (result.updated as string[] | undefined) ?? [],
			destroyed: (result.destroyed as string[] | undefined) ?? []
		};
	}

	/** The current Email state (for starting /changes from now). */
	async emailState(): Promise<string> {
		const result = await this.call('Email/get', { ids: [], properties: ['id'] });
		return String(result.state);
	}

	/** Email/get of the properties Sealdesk uses; ids the server does not know are in `notFound`. */
	async getEmails(ids: string[]): Promise<{ list: EmailSummary[]; notFound: string[]; state: string }> {
		const result = await this.call('Email/get', { ids, properties: EMAIL_PROPERTIES });
		return { list: (result.list as EmailSummary[] | undefined) ?? [], notFound: (result.notFound as string[] | undefined) ?? [], state: String(result.state) };
	}

	/**
	 * Downloads a blob (a raw message by its Email's blobId) as bytes, unchanged.
	 * @param maxBytes - the most read: a longer blob is not read past it (whatever size the server
	 *   told for it)
	 * @throws MailboxError 'request' when the server has no such blob, 'too-large' past maxBytes
	 */
	async download(blobId: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
		const url = expand(this.session.downloadUrl, { accountId: this.accountId, blobId, type: 'message/rfc822', name: 'message.eml' });
		const response = await send(this.#fetch, url, { headers: { authorization: this.#auth } });
		if (!response.ok) {
			await response.body?.cancel().catch(() => undefined);
			throw new MailboxError('request', `HTTP ${response.status} downloading blob ${blobId}`);
		}
		const max = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
		const bytes = await readCapped(response, max);
		if (bytes === null) throw new MailboxError('too-large', `Blob ${blobId} is over ${String(max)} bytes`);
		return bytes;
	}

	/** Uploads bytes (RFC 8620 §6.1). @throws MailboxError */
	async upload(bytes: Uint8Array | Blob, type = 'message/rfc822'): Promise<UploadedBlob> {
		const url = expand(this.session.uploadUrl, { accountId: this.accountId });
		const body = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
		const response = await send(this.#fetch, url, { method: 'POST', headers: { authorization: this.#auth, 'content-type': type }, body });
		const json = await readJson(response, url, 'protocol');
		if (!response.ok || !isRecord(json) || typeof json.blobId !== 'string') throw new MailboxError('request', `HTTP ${response.status} uploading`);
		return { blobId: json.blobId, size: Number(json.size), type: String(json.type) };
	}

	/**
	 * Email/import of an uploaded message into mailboxes. The same bytes imported twice are
	 * answered with the existing Email (`existing: true`), not an error.
	 * @throws JmapMethodError with the SetError's type (e.g. 'invalidEmail' for bare LF)
	 */
	async importEmail(options: { blobId: string; mailboxIds: string[]; keywords?: string[]; receivedAt?: string }): Promise<{ id: string; existing: boolean }> {
		const email = {
			blobId: options.blobId,
			mailboxIds: Object.fromEntries(options.mailboxIds.map((id) => [id, true])),
			keywords: Object.fromEntries((options.keywords ?? []).map((k) => [k, true])),
			...(options.receivedAt ? { receivedAt: options.receivedAt } : {})
		};
		const result = await this.call('Email/import', { emails: { m: email } });
		const created = isRecord(result.created) ? result.created.m : undefined;
		if (isRecord(created) && typeof created.id === 'string') return { id: created.id, existing: false };
		const failure = isRecord(result.notCreated) ? result.notCreated.m : undefined;
		if (isRecord(failure)) {
			if (failure.type === 'alreadyExists' && typeof failure.existingId === 'string') return { id: failure.existingId, existing: true };
			throw new JmapMethodError('Email/import', failure);
		}
		throw new MailboxError('protocol', 'Email/import answered neither created nor notCreated');
	}

	/** The identities the account may send as. */
	async identities(): Promise<Identity[]> {
		const result = await this.call('Identity/get', { ids: null });
		return (result.list as Identity[] | undefined) ?? [];
	}

	/**
	 * EmailSubmission/set: sends an imported Email with an explicit envelope and, on success,
	 * applies `onSuccess` to the Email (e.g. move from Drafts to Sent, drop $draft).
	 * @returns the submission id
	 * @throws JmapMethodError with the SetError's type and description (the server's reason)
	 */
	async submit(options: { emailId: string; identityId: string; envelope: Envelope; onSuccess?: Record<string, unknown> }): Promise<string> {
		const result = await this.call('EmailSubmission/set', {
			create: { s: { emailId: options.emailId, identityId: options.identityId, envelope: options.envelope } },
			...(options.onSuccess ? { onSuccessUpdateEmail: { '#s': options.onSuccess } } : {})
		});
		const created = isRecord(result.created) ? result.created.s : undefined;
		if (isRecord(created) && typeof created.id === 'string') return created.id;
		const failure = isRecord(result.notCreated) ? result.notCreated.s : undefined;
		if (isRecord(failure)) throw new JmapMethodError('EmailSubmission/set', failure);
		throw new MailboxError('protocol', 'EmailSubmission/set answered neither created nor notCreated');
	}

	/**
	 * Ids of Emails whose Message-ID header is `messageId` (without angle brackets), in a mailbox
	 * when given (checked on the Emails found, one query condition fewer for the server).
	 */
	async findByMessageId(messageId: string, inMailbox?: string): Promise<string[]> {
		const ids = (await this.queryEmails({ filter: { header: ['Message-ID', `<${messageId}>`] } })).ids;
		if (!inMailbox || ids.length === 0) return ids;
		const { list } = await this.getEmails(ids);
		return list.filter((e) => e.mailboxIds[inMailbox] === true).map((e) => e.id);
	}
}
