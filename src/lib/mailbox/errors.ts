/**
 * What can go wrong talking to a JMAP server, as typed errors with the sentence the user sees.
 * Transport and session problems are {@link MailboxError} with a `code`; a method the server
 * answered with an error (RFC 8620 §3.6.2) is {@link JmapMethodError} with the JMAP `type`.
 */

/** Why a connection or request failed. */
export type MailboxErrorCode =
	/** No HTTP answer at all (network down, wrong host, proxy missing). */
	| 'unreachable'
	/** 401 or 403: the user name, password or token was refused. */
	| 'unauthorized'
	/** An HTTP answer that is not a JMAP session or API response. */
	| 'not-jmap'
	/** A JMAP session without the mail capability, or without a mail account. */
	| 'no-mail'
	/** The server refused the whole request (RFC 8620 §3.6.1 problem details, or an HTTP error). */
	| 'request'
	/** An answer that breaks the protocol (missing method response, wrong shape). */
	| 'protocol'
	/** A blob longer than the most the caller reads (the rest is not read). */
	| 'too-large'
	/** A session URL on another origin than the app's: the page's CSP (connect-src 'self') would refuse it. */
	| 'other-origin';

/** The user-facing sentences, one per code. */
export const MAILBOX_MESSAGES: Record<MailboxErrorCode, string> = {
	unreachable: 'The mail server could not be reached. Check the session URL and the network.',
	unauthorized: 'The mail server refused the user name or password.',
	'not-jmap': 'This address does not answer as a JMAP server.',
	'no-mail': 'This JMAP account offers no mail.',
	request: 'The mail server refused the request.',
	protocol: 'The mail server sent an answer Sealdesk does not understand.',
	'too-large': 'The message on the mail server is larger than Sealdesk reads.',
	'other-origin': "Sealdesk reaches the mail server only through this app's own address: enter a path such as /jmap, which the app's web server forwards to the mail server."
};

/** A transport, session or request failure. `message` is the sentence for the user; `detail` is for the log. */
export class MailboxError extends Error {
	override readonly name = 'MailboxError';
	readonly code: MailboxErrorCode;
	/** What the server or the platform said, for Recent Logs (never shown alone). */
	readonly detail: string;

	constructor(code: MailboxErrorCode, detail = '', options?: { cause?: unknown }) {
		super(MAILBOX_MESSAGES[code], options);
		this.code = code;
		this.detail = detail;
	}
}

/** One method call answered with an error (RFC 8620 §3.6.2), or a SetError for one object (§5.3). */
export class JmapMethodError extends Error {
	override readonly name = 'JmapMethodError';
	/** The JMAP error type, e.g. 'cannotCalculateChanges', 'alreadyExists', 'accountNotFound'. */
	readonly type: string;
	/** The method that failed, e.g. 'Email/changes'. */
	readonly method: string;
	/** The server's own description, when it gave one. */
	readonly description: string;
	/** The rest of the error object (e.g. `existingId` of alreadyExists). */
	readonly properties: Readonly<Record<string, unknown>>;

	constructor(method: string, error: Record<string, unknown>) {
		const type = typeof error.type === 'string' ? error.type : 'serverFail';
		const description = typeof error.description === 'string' ? error.description : '';
		super(`The mail server refused ${method}: ${type}${description ? ` (${description})` : ''}.`);
		this.type = type;
		this.method = method;
		this.description = description;
		this.properties = error;
	}
}
