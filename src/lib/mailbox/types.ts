/**
 * The JMAP records Sealdesk reads and writes (RFC 8620, RFC 8621), reduced to the properties
 * it uses.
 */

/** The platform's fetch, or a stand-in with the same contract (tests pass a fake). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The capability of JMAP Mail (RFC 8621). */
export const MAIL_CAPABILITY = 'urn:ietf:params:jmap:mail';
/** The capability of EmailSubmission (RFC 8621 §7). */
export const SUBMISSION_CAPABILITY = 'urn:ietf:params:jmap:submission';
/** The core capability (RFC 8620). */
export const CORE_CAPABILITY = 'urn:ietf:params:jmap:core';

/** The JMAP session resource (RFC 8620 §2), URLs already resolved to absolute ones. */
export interface JmapSession {
	username: string;
	apiUrl: string;
	downloadUrl: string;
	uploadUrl: string;
	eventSourceUrl: string | null;
	state: string;
	capabilities: Record<string, unknown>;
	accounts: Record<string, { name: string; isPersonal: boolean; isReadOnly: boolean }>;
	primaryAccounts: Record<string, string>;
}

/** A mailbox (RFC 8621 §2). */
export interface Mailbox {
	id: string;
	name: string;
	parentId: string | null;
	/** 'inbox', 'sent', 'drafts', 'trash', … or null. */
	role: string | null;
	totalEmails: number;
	unreadEmails: number;
}

/** The Email properties Sealdesk reads (RFC 8621 §4). */
export interface EmailSummary {
	id: string;
	blobId: string;
	threadId: string;
	mailboxIds: Record<string, boolean>;
	keywords: Record<string, boolean>;
	size: number;
	receivedAt: string;
	/** The Message-ID header's ids, without angle brackets; null when absent. */
	messageId: string[] | null;
}

/** Email/query's answer (RFC 8620 §5.5). */
export interface QueryResult {
	ids: string[];
	queryState: string;
	position: number;
	total: number | null;
}

/** Email/changes's answer (RFC 8620 §5.2). */
export interface ChangesResult {
	oldState: string;
	newState: string;
	hasMoreChanges: boolean;
	created: string[];
	updated: string[];
	destroyed: string[];
}

/** An uploaded blob (RFC 8620 §6.1). */
export interface UploadedBlob {
	blobId: string;
	size: number;
	type: string;
}

/** An identity (RFC 8621 §6): who the account may send as. */
export interface Identity {
	id: string;
	name: string;
	email: string;
}

/** The SMTP envelope of a submission (RFC 8621 §7). */
export interface Envelope {
	mailFrom: { email: string };
	rcptTo: { email: string }[];
}

/** A method call: name, arguments, call id (RFC 8620 §3.2). */
export type Invocation = [name: string, args: Record<string, unknown>, callId: string];
