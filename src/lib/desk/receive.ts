/**
 * desk.receive(rawEml) and desk.retry(articleId): store a mail on a ticket and run the S/MIME
 * reading over it with the current certificates and keys. The raw mail is always kept, so
 * retry can re-run everything after keys are added or the vault is unlocked.
 *
 * receive() never throws for a hostile mail: problems are statuses with comments. While
 * S/MIME is off, the mail is stored unprocessed (statuses 'none' with a comment that says so).
 */
import { toHex } from '../base/bytes';
import { borrow, isOwned, own, type MaybeOwned } from '../base/memory';
import type { DecryptCandidate } from '../cms/recipients-decrypt';
import { readHeaders, toDisplay } from '../mime/display';
import { DEFAULT_MAX_SIZE, readIncoming } from '../smime/incoming';
import { MAX_HEADER_BYTES } from '../mime/entity';
import type { SecurityResult, TrustedSigner } from '../smime/incoming-types';
import { PROCESSING_ERROR, SMIME_OFF_ENCRYPTION, SMIME_OFF_SIGN, TOO_LARGE, TOO_MANY_PARTS } from '../smime/comments';
import { hasTooManyParts } from '../mime/part-count';
import type { ArticleRecord, MailIdRecord, MailSyncRecord, StoredAttachment, StoredSection } from '../store/records';
import { articleStore, certificateStore, keyStore, mailIdStore, mailSyncStore, ticketStore, type StoredArticle } from '../store/repositories';
import { storedBytes, toStoredBytes } from '../store/stored-bytes';
import { readTransaction, withWriteTransaction, type WriteFailure } from '../store/transaction';
import { withWords } from '../store/search-words';
import { overviewWith } from './ticket-overview';
import { articleHeaders } from './article-headers';
import { addArticle, toArticle, type Article } from './tickets';
import { isEnabled, recordCapabilities } from './certificates';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';
import { learnCertificates, storedCertificates } from './learned-certificates';
import { sectionsOf, withoutRanges } from './sections';
import { legacyKeyOpenerFor, vaultStatus } from './vault';
import { acceptSha1Signatures } from './reading-settings';

/** How a failed write of a received or re-processed mail is told. */
const MAIL_NOT_STORED: WriteFailure = { notStored: 'The mail was not stored.', otherwise: 'The message could not be stored.' };

/**
 * What the mailbox sync stores with a received mail, in the same transaction: the JMAP ids
 * (so the mail is never stored twice) and, when given, the sync state this mail completes.
 */
export interface MailMark {
	id: Omit<MailIdRecord, 'articleId'>;
	sync?: MailSyncRecord;
	/** Set by receive: whether the mail was stored now, or found already stored (another tab won the race). */
	outcome?: 'stored' | 'existing';
}

/** The article a JMAP Email is already stored as, or null. */
export async function markedArticle(ctx: DeskContext, key: string): Promise<Article | null> {
	const mark = await mailIdStore.byKey(ctx.db, key);
	if (!mark) return null;
	const record = await articleStore.byId(ctx.db, mark.articleId);
	return record ? toArticle(record) : null;
}

/** What one S/MIME run produced. */
interface Processed {
	security: SecurityResult;
	text: string;
	html?: string;
	attachments: StoredAttachment[];
	trustedSigners: TrustedSigner[];
	/** DER of the untrusted signer's certificate, when the result describes one. */
	signerCertificate?: Uint8Array;
	sections?: StoredSection[];
	processed: boolean;
	/** The internal error, for the log only, when processing failed unexpectedly. */
	problem?: string;
}

/**
 * Stores a received mail on its ticket and processes it. The article and its log entry are
 * written in one transaction.
 * @param raw - the RFC 5322 message (a string is taken as UTF-8; a Blob, such as a dropped
 *   .eml File, is read here and stored without a copy)
 * @returns the stored article with its security result and readable text
 * @throws Error only when IndexedDB refuses the write, or a Blob cannot be read
 */
export async function receive(ctx: DeskContext, raw: Uint8Array | string | Blob, mark?: MailMark): Promise<Article> {
	if (mark) {
		const existing = await markedArticle(ctx, mark.id.key);
		if (existing) {
			mark.outcome = 'existing';
			return existing;
		}
	}
	let bytes: Uint8Array;
	let stored: Blob;
	// A file over the size limit is not read whole (a dropped 2 GB file would exhaust the worker):
	// only its header block, for the ticket; it is stored as it is, and processed no further.
	const tooLarge = raw instanceof Blob && blobTooLarge(ctx, raw);
	if (raw instanceof Blob) {
		// A dropped .eml file: stored as it is (no copy) and read once here, not in the page.
		stored = raw.slice(0, raw.size, raw.type);
		try {
			bytes = new Uint8Array(await (tooLarge ? raw.slice(0, MAX_HEADER_BYTES) : raw).arrayBuffer());
		} catch (cause) {
			throw new Error('The mail file could not be read.', { cause });
		}
	} else {
		bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
		// The stored copy is taken first: nothing processing does to the bytes can reach it.
		stored = toStoredBytes(bytes);
	}
	const headers = articleHeaders(readHeaders(bytes));
	// Bytes read from a Blob or encoded from a string are ours alone: processing may overwrite them.
	const result = tooLarge ? tooLargeResult() : await processMail(ctx, typeof raw === 'string' || raw instanceof Blob ? own(bytes) : bytes);
	const now = ctx.now().toISOString();
	const record: Omit<ArticleRecord, 'id' | 'ticketId'> = {
		direction: 'in',
		raw: stored,
		receivedAt: now,
		...(result.processed ? { processedAt: now } : {}),
		headers,
		security: result.security,
		text: result.text,
		...(result.html !== undefined ? { html: result.html } : {}),
		attachments: result.attachments,
		...(result.signerCertificate ? { signerCertificate: result.signerCertificate } : {}),
		...(result.sections ? { sections: result.sections } : {})
	};
	const storing = performance.now();
	const stores: ('tickets' | 'articles' | 'logs' | 'mailIds' | 'mailSync')[] = mark ? ['tickets', 'articles', 'logs', 'mailIds', 'mailSync'] : ['tickets', 'articles', 'logs'];
	const ids = await withWriteTransaction(
		ctx.db,
		stores,
		async (tx, control) => {
			// Another tab or desk may have stored this Email since the check above: transactions
			// over the same store run one after the other, so this look is final.
			if (mark && (await mailIdStore.byKey(tx, mark.id.key))) {
				await control.abandon();
				return null;
			}
			const stored = await addArticle(tx, record);
			await appendLog(tx, logEntry(result, headers.messageId, false), ctx.now());
			if (mark) {
				await mailIdStore.save(tx, { ...mark.id, articleId: stored.id });
				if (mark.sync) await mailSyncStore.save(tx, mark.sync);
			}
			return stored;
		},
		MAIL_NOT_STORED
	);
	if (mark) mark.outcome = ids ? 'stored' : 'existing';
	if (!ids) {
		const existing = mark ? await markedArticle(ctx, mark.id.key) : null;
		if (existing) return existing;
		throw new Error(MAIL_NOT_STORED.otherwise);
	}
	ctx.phases('store', performance.now() - storing);
	announce(ctx, mark ? ['tickets', 'articles', 'logs', 'mailSync'] : ['tickets', 'articles', 'logs']);
	await learnCapabilities(ctx, result, headers.messageId);
	return toArticle({ ...record, ...ids });
}

/**
 * Re-runs S/MIME processing of a stored article with the current certificates, keys and
 * settings, and stores the new result with a log entry in one transaction.
 * @throws Error "No article has this id." when there is none
 */
export async function retry(ctx: DeskContext, articleId: number): Promise<Article> {
	const existing = await articleStore.byId(ctx.db, articleId);
	if (!existing) throw new Error('No article has this id.');
	// A stored Blob is read into new bytes, which are ours; a stored array is the record's own
	// (written back below). One over the size limit is not read at all.
	const result =
		existing.raw instanceof Blob && blobTooLarge(ctx, existing.raw)
			? tooLargeResult()
			: await storedBytes(existing.raw).then((bytes) => processMail(ctx, existing.raw instanceof Blob ? own(bytes) : bytes));
	const now = ctx.now().toISOString();
	const updated: StoredArticle = {
		...existing,
		...(result.processed ? { processedAt: now } : {}),
		security: result.security,
		text: result.text,
		attachments: result.attachments
	};
	// The HTML of the last run goes; the new run's HTML, if any, replaces it.
	delete updated.html;
	if (result.html !== undefined) updated.html = result.html;
	delete updated.signerCertificate;
	if (result.signerCertificate) updated.signerCertificate = result.signerCertificate;
	delete updated.sections;
	if (result.sections) updated.sections = result.sections;
	await withWriteTransaction(
		ctx.db,
		['tickets', 'articles', 'logs'],
		async (tx) => {
			await articleStore.replace(tx, updated);
			// The list's overview follows the new result (e.g. now decrypted, or checked after S/MIME was off).
			const ticket = await ticketStore.byId(tx, existing.ticketId);
			// Text made readable by this run (now decrypted) becomes searchable.
			if (ticket) await ticketStore.save(tx, { ...ticket, search: withWords(ticket.search, result.text), overview: await overviewWith(tx, existing.ticketId, ticket, { ...updated, id: articleId }) });
			await appendLog(tx, logEntry(result, existing.headers.messageId, true), ctx.now());
		},
		MAIL_NOT_STORED
	);
	announce(ctx, ['tickets', 'articles', 'logs']);
	await learnCapabilities(ctx, result, existing.headers.messageId);
	return toArticle(updated);
}

/** The largest raw message the desk reads (the openDesk option, 50 MB by default): receiving and the mailbox sync. */
export function messageSizeLimit(ctx: DeskContext): number {
	return ctx.maxMessageSize ?? DEFAULT_MAX_SIZE;
}

/** Whether a stored or dropped file is over the size limit, and so is not read whole. */
function blobTooLarge(ctx: DeskContext, blob: Blob): boolean {
	return blob.size > messageSizeLimit(ctx);
}

/** What reading gives a message over the size limit (as readIncoming says it), without reading it. */
function tooLargeResult(): Processed {
	return {
		security: { sign: { status: 'none', comment: TOO_LARGE }, encryption: { status: 'none', comment: TOO_LARGE }, layers: [] },
		text: '',
		attachments: [],
		trustedSigners: [],
		processed: true
	};
}

/** @param raw - owned when nothing reads it afterwards: it is then decoded and decrypted within its own bytes */
async function processMail(ctx: DeskContext, raw: MaybeOwned): Promise<Processed> {
	if (!(await isEnabled(ctx))) {
		// Too many parts: not taken apart for display either (the raw mail is kept).
		const tooMany = hasTooManyParts(borrow(raw));
		const display = tooMany ? { text: '', attachments: [] } : await toDisplay(raw, ctx.crypto);
		const off = (sentence: string): string => (tooMany ? `${sentence} ${TOO_MANY_PARTS}` : sentence);
		return {
			security: { sign: { status: 'none', comment: off(SMIME_OFF_SIGN) }, encryption: { status: 'none', comment: off(SMIME_OFF_ENCRYPTION) }, layers: [] },
			...displayFields(display),
			trustedSigners: [],
			processed: false
		};
	}
	const status = await vaultStatus(ctx);
	const legacyUnavailable = status.strictKeyCustody ? 'strict-custody' : status.locked ? 'vault-locked' : undefined;
	const { anchors: certificates, learned } = await storedCertificates(ctx);
	const candidates = await decryptCandidates(ctx, status.strictKeyCustody);
	let result;
	try {
		result = await readIncoming({
			raw,
			certificates,
			...(learned.length > 0 ? { learned } : {}),
			candidates,
			...(legacyUnavailable ? { legacyUnavailable } : {}),
			maxSize: messageSizeLimit(ctx),
			acceptSha1: await acceptSha1Signatures(ctx),
			now: ctx.now(),
			crypto: ctx.crypto
		});
	} catch (error) {
		// A bug must not lose the mail or reach the caller: it is stored with a neutral status, and retry can run again.
		return {
			security: { sign: { status: 'none', comment: PROCESSING_ERROR }, encryption: { status: 'none', comment: PROCESSING_ERROR }, layers: [] },
			text: '',
			attachments: [],
			trustedSigners: [],
			processed: true,
			problem: error instanceof Error ? error.message : String(error)
		};
	}
	// Sections first: their content may lie in bytes the message's own display decodes over (owned input).
	const stored = await sectionsOf(result.nested, displayable, ctx.crypto);
	const sections = stored.length > 0 ? { sections: stored } : {};
	// A partly signed message's body is the rest: its signed parts are shown apart, never as part of it.
	const signedRanges = result.nested.flatMap((n) => (n.kind === 'signed-part' ? [{ start: n.start, end: n.end }] : []));
	const content = result.content && signedRanges.length > 0 ? withoutRanges(result.content, signedRanges) : result.content;
	// The content lies in memory we own when the message was owned (see readIncoming), unless rebuilt without the signed parts.
	const display = content ? await toDisplay(isOwned(raw) && content === result.content ? own(displayable(content)) : displayable(content), ctx.crypto) : { text: '', attachments: [] };
	return {
		...sections,
		security: result.security,
		...displayFields(display),
		trustedSigners: result.security.sign.status === 'valid' ? result.trustedSigners : [],
		...(result.signerCertificate ? { signerCertificate: result.signerCertificate } : {}),
		processed: true
	};
}

/** Every stored certificate that has a private key (Zammad #6357: the recipient may be only in Delivered-To). */
async function decryptCandidates(ctx: DeskContext, strict: boolean): Promise<DecryptCandidate[]> {
	const tx = readTransaction(ctx.db, ['certificates', 'keys']);
	const keys = await keyStore.all(tx);
	const out: DecryptCandidate[] = [];
	for (const k of keys) {
		const cert = await certificateStore.byFingerprint(tx, k.fingerprint);
		if (!cert) continue;
		out.push({ certificate: cert.der, keys: k.keys, ...(strict || !k.sealed ? {} : { openLegacyKey: legacyKeyOpenerFor(ctx, k.fingerprint) }) });
	}
	return out;
}

/** Content without a header block (e.g. plain CMS content) is shown as text/plain. */
function displayable(content: Uint8Array): Uint8Array {
	const head = new TextDecoder('latin1').decode(content.subarray(0, 200));
	if (/^[!-9;-~]+:/.test(head) || /^\r?\n/.test(head)) return content;
	const prefix = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\n');
	const out = new Uint8Array(prefix.length + content.length);
	out.set(prefix);
	out.set(content, prefix.length);
	return out;
}

function displayFields(d: { text: string; html?: string; attachments: { filename: string; mimeType: string; content: Uint8Array }[] }): Pick<Processed, 'text' | 'html' | 'attachments'> {
	return {
		text: d.text,
		...(d.html !== undefined ? { html: d.html } : {}),
		attachments: d.attachments.map((a) => ({ name: a.filename, type: a.mimeType, data: toStoredBytes(a.content) }))
	};
}

/** A comment as a sentence of the log line: a full stop after it unless it has one (a valid signature's comment is its signer's subject). */
function sentence(comment: string): string {
	const text = comment.trim();
	return text === '' || /[.!?]$/.test(text) ? text : `${text}.`;
}

function logEntry(p: Processed, messageId: string | undefined, isRetry: boolean): Parameters<typeof appendLog>[1] {
	const { sign, encryption, layers } = p.security;
	const signed = layers.some((l) => l.kind === 'signed');
	const encrypted = layers.some((l) => l.kind === 'encrypted');
	const operation = signed && encrypted ? 'verify+decrypt' : signed ? 'verify' : encrypted ? 'decrypt' : 'receive';
	const failed = p.problem !== undefined || !['none', 'valid'].includes(sign.status) || !['none', 'decrypted'].includes(encryption.status);
	const problem = p.problem === undefined ? '' : ` Error: ${p.problem}`;
	const detail = `${isRetry ? 'Retry. ' : ''}Sign: ${sign.status}. ${sentence(sign.comment)} Encryption: ${encryption.status}. ${sentence(encryption.comment)}${problem}`;
	return { direction: 'in', operation, status: failed ? 'failed' : 'success', detail, messageId: messageId ?? null };
}

/**
 * After a valid verdict: keeps the signers' certificates (and their CAs) as contact
 * certificates learned from mail, then records their SMIMECapabilities.
 */
async function learnCapabilities(ctx: DeskContext, p: Processed, messageId: string | undefined): Promise<void> {
	try {
		await learnCertificates(ctx, p.trustedSigners, messageId);
	} catch {
		// A certificate another tab stored meanwhile, or a full disk: the mail is stored; the next valid mail tries again.
	}
	for (const s of p.trustedSigners) {
		if (s.capabilities.length === 0) continue;
		const fp = new Uint8Array(await ctx.crypto.subtle.digest('SHA-256', s.certificate.slice()));
		const fingerprint = toHex(fp);
		try {
			await recordCapabilities(ctx, fingerprint, s.capabilities);
		} catch {
			// Capabilities are a hint for the composer; failing to record one must not fail the receive.
		}
	}
}

