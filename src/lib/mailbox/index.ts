/**
 * The mailbox layer: a typed JMAP client that takes `fetch` as a parameter. No DOM, no
 * IndexedDB; the desk owns sync state and the outbox.
 */
export { JmapClient, MAX_JSON_BYTES, type ConnectOptions } from './client';
export { SseParser, parseStateChange, readEventSource, eventSourceUrl, MAX_SSE_LINE, MAX_SSE_EVENT, MAX_LAST_EVENT_ID, sendableEventId, type SseEvent, type SseLimits, type StateChanges, type EventSourceOptions } from './push';
export { MailboxError, JmapMethodError, MAILBOX_MESSAGES, type MailboxErrorCode } from './errors';
export {
	MAIL_CAPABILITY,
	SUBMISSION_CAPABILITY,
	CORE_CAPABILITY,
	type FetchLike,
	type JmapSession,
	type Mailbox,
	type EmailSummary,
	type QueryResult,
	type ChangesResult,
	type UploadedBlob,
	type Identity,
	type Envelope,
	type Invocation
} from './types';
