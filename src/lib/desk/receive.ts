/**
 * desk.receive(rawEml) and desk.retry(articleId): store a mail on a ticket and run the S/MIME
 * reading over it with the current certificates and keys. The raw mail is always kept, so
 * retry can re-run everything after keys are added or the vault is unlocked.
 *
 * receive() never throws for a hostile mail: problems are statuses with comments. While
 * S/MIME is off, the mail is stored unprocessed (statuses 'none' with a comment that says so).
 */
import { abortAndSettle } from '../store/transaction';
import type { DecryptCandidate } from '../cms/recipients-decrypt';
import { readHeaders, toDisplay } from '../mime/display';
import { readIncoming } from '../smime/incoming';
import type { SecurityResult, TrustedSigner } from '../smime/incoming-types';
import { PROCESSING_ERROR, SMIME_OFF_ENCRYPTION, SMIME_OFF_SIGN } from '../smime/comments';
import type { ArticleRecord, StoredAttachment, TicketRecord } from './tickets';
import { overviewWith } from './ticket-overview';
import { withWords } from '../store/search-words';
import { addArticle, articleHeaders, storedBytes, toArticle, toStoredBytes, type Article } from './tickets';
import { allCertificateDers, isEnabled, recordCapabilities } from './certificates';
import { announce, recordPhase, STORE_TIMING, type DeskContext } from './context';
import { appendLog } from './log';
import { writeFailureMessage } from '../store/errors';
import { legacyKeyOpenerFor, vaultStatus } from './vault';

/** What one S/MIME run produced. */
interface Processed {
	security: SecurityResult;
	text: string;
	html?: string;
	attachments: StoredAttachment[];
	trustedSigners: TrustedSigner[];
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
export async function receive(ctx: DeskContext, raw: Uint8Array | string | Blob): Promise<Article> {
	let bytes: Uint8Array;
	let stored: Blob;
	// Bytes read from a Blob or encoded from a string are ours alone: processing may overwrite them.
	const scratch = typeof raw === 'string' || raw instanceof Blob;
	if (raw instanceof Blob) {
		// A dropped .eml file: stored as it is (no copy) and read once here, not in the page.
		stored = raw.slice(0, raw.size, raw.type);
		try {
			bytes = new Uint8Array(await raw.arrayBuffer());
		} catch (cause) {
			throw new Error('The mail file could not be read.', { cause });
		}
	} else {
		bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
		// The stored copy is taken first: nothing processing does to the bytes can reach it.
		stored = toStoredBytes(bytes);
	}
	const headers = articleHeaders(readHeaders(bytes));
	const result = await processMail(ctx, bytes, scratch);
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
		attachments: result.attachments
	};
	const storing = performance.now();
	const tx = ctx.db.transaction(['tickets', 'articles', 'logs'], 'readwrite');
	let ids: { id: number; ticketId: number };
	try {
		ids = await addArticle(tx, record);
		await appendLog(tx, logEntry(result, headers.messageId, false), ctx.now());
		await tx.done;
	} catch (cause) {
		const aborted = await abortAndSettle(tx);
		throw new Error(writeFailureMessage([cause, aborted], 'The mail was not stored.', 'The message could not be stored.'), { cause });
	}
	recordPhase(STORE_TIMING, performance.now() - storing);
	announce(ctx, ['tickets', 'articles', 'logs']);
	await learnCapabilities(ctx, result);
	return toArticle({ ...record, ...ids });
}

/**
 * Re-runs S/MIME processing of a stored article with the current certificates, keys and
 * settings, and stores the new result with a log entry in one transaction.
 * @throws Error "No article has this id." when there is none
 */
export async function retry(ctx: DeskContext, articleId: number): Promise<Article> {
	const existing = (await ctx.db.get('articles', articleId)) as ArticleRecord | undefined;
	if (!existing) throw new Error('No article has this id.');
	// A stored Blob is read into new bytes, which are scratch; a stored array is the record's own (written back below).
	const result = await processMail(ctx, await storedBytes(existing.raw), existing.raw instanceof Blob);
	const now = ctx.now().toISOString();
	const updated: ArticleRecord = {
		...existing,
		...(result.processed ? { processedAt: now } : {}),
		security: result.security,
		text: result.text,
		attachments: result.attachments
	};
	// The HTML of the last run goes; the new run's HTML, if any, replaces it.
	delete updated.html;
	if (result.html !== undefined) updated.html = result.html;
	const tx = ctx.db.transaction(['tickets', 'articles', 'logs'], 'readwrite');
	try {
		await tx.objectStore('articles').put(updated);
		// The list's overview follows the new result (e.g. now decrypted, or checked after S/MIME was off).
		const ticket = (await tx.objectStore('tickets').get(existing.ticketId)) as TicketRecord | undefined;
		// Text made readable by this run (now decrypted) becomes searchable.
		if (ticket) await tx.objectStore('tickets').put({ ...ticket, search: withWords(ticket.search, result.text), overview: await overviewWith(tx, existing.ticketId, ticket, { ...updated, id: articleId }) });
		await appendLog(tx, logEntry(result, existing.headers.messageId, true), ctx.now());
		await tx.done;
	} catch (cause) {
		const aborted = await abortAndSettle(tx);
		throw new Error(writeFailureMessage([cause, aborted], 'The mail was not stored.', 'The message could not be stored.'), { cause });
	}
	announce(ctx, ['tickets', 'articles', 'logs']);
	await learnCapabilities(ctx, result);
	return toArticle(updated);
}

/** @param scratch - nothing reads `raw` afterwards: it is decoded and decrypted within its own bytes */
async function processMail(ctx: DeskContext, raw: Uint8Array, scratch: boolean): Promise<Processed> {
	if (!(await isEnabled(ctx))) {
		const display = await toDisplay(raw, undefined, scratch);
		return {
			security: { sign: { status: 'none', comment: SMIME_OFF_SIGN }, encryption: { status: 'none', comment: SMIME_OFF_ENCRYPTION }, layers: [] },
			...displayFields(display),
			trustedSigners: [],
			processed: false
		};
	}
	const status = await vaultStatus(ctx);
	const legacyUnavailable = status.strictKeyCustody ? 'strict-custody' : status.locked ? 'vault-locked' : undefined;
	const certificates = await allCertificateDers(ctx);
	const candidates = await decryptCandidates(ctx, status.strictKeyCustody);
	let result;
	try {
		result = await readIncoming({
			raw,
			certificates,
			candidates,
			...(legacyUnavailable ? { legacyUnavailable } : {}),
			...(ctx.maxMessageSize !== undefined ? { maxSize: ctx.maxMessageSize } : {}),
			now: ctx.now(),
			crypto: ctx.crypto,
			scratch
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
	const display = result.content ? await toDisplay(displayable(result.content), undefined, scratch) : { text: '', attachments: [] };
	return { security: result.security, ...displayFields(display), trustedSigners: result.security.sign.status === 'valid' ? result.trustedSigners : [], processed: true };
}

/** Every stored certificate that has a private key (Zammad #6357: the recipient may be only in Delivered-To). */
async function decryptCandidates(ctx: DeskContext, strict: boolean): Promise<DecryptCandidate[]> {
	const tx = ctx.db.transaction(['certificates', 'keys']);
	const keys = await tx.objectStore('keys').getAll();
	const out: DecryptCandidate[] = [];
	for (const k of keys) {
		const cert = await tx.objectStore('certificates').get(k.fingerprint);
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

function logEntry(p: Processed, messageId: string | undefined, isRetry: boolean): Parameters<typeof appendLog>[1] {
	const { sign, encryption, layers } = p.security;
	const signed = layers.some((l) => l.kind === 'signed');
	const encrypted = layers.some((l) => l.kind === 'encrypted');
	const operation = signed && encrypted ? 'verify+decrypt' : signed ? 'verify' : encrypted ? 'decrypt' : 'receive';
	const failed = p.problem !== undefined || !['none', 'valid'].includes(sign.status) || !['none', 'decrypted'].includes(encryption.status);
	const problem = p.problem === undefined ? '' : ` Error: ${p.problem}`;
	const detail = `${isRetry ? 'Retry. ' : ''}Sign: ${sign.status}. ${sign.comment} Encryption: ${encryption.status}. ${encryption.comment}${problem}`;
	return { direction: 'in', operation, status: failed ? 'failed' : 'success', detail, messageId: messageId ?? null };
}

/** Records the SMIMECapabilities of valid signers whose certificates are stored (never imports one). */
async function learnCapabilities(ctx: DeskContext, p: Processed): Promise<void> {
	for (const s of p.trustedSigners) {
		if (s.capabilities.length === 0) continue;
		const fp = new Uint8Array(await ctx.crypto.subtle.digest('SHA-256', s.certificate.slice()));
		const fingerprint = Array.from(fp, (b) => b.toString(16).padStart(2, '0')).join('');
		try {
			await recordCapabilities(ctx, fingerprint, s.capabilities);
		} catch {
			// Capabilities are a hint for the composer; failing to record one must not fail the receive.
		}
	}
}

