/**
 * Incoming mail: an account's mailbox syncs into tickets. The first sync queries the mailbox
 * (oldest first, in pages) and stores every mail; later syncs follow Email/changes from the
 * state the first one began at. Each raw message is downloaded by its blobId and goes through
 * receive() unchanged, with its JMAP ids written in the same transaction, so that no mail is
 * stored twice (across reloads, tabs, desks, or a sync cut off mid-way). The sync state is
 * written in the transaction that stores the last mail it covers, never before.
 *
 * A mail larger than the desk reads (its message size limit, 50 MB by default) is not
 * downloaded: the size Email/get gives is checked first, and no download reads past the limit
 * whatever size the server told. It is logged and passed over, and stays on the mail server, as
 * Zammad leaves mail over its maximum email size; one huge mail must not stop every later one.
 */
import { JmapMethodError, MailboxError } from '../mailbox/errors';
import type { JmapClient } from '../mailbox/client';
import type { EmailSummary, QueryResult } from '../mailbox/types';
import type { MailAccountRecord, MailSyncRecord } from '../store/records';
import { mailAccountStore, mailSyncStore } from '../store/repositories';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';
import { clientFor, freshState, stateOf } from './mailbox-accounts';
import { markedArticle, messageSizeLimit, receive, type MailMark } from './receive';

/** How many Emails one query page or /changes call covers. */
const PAGE = 50;

/** What one sync did. */
export interface SyncResult {
	accountId: string;
	/** Mails stored by this sync. */
	stored: number;
	/** Mails the server had that were already stored (another tab, a cut-off sync). */
	skipped: number;
	/** Mails destroyed on the server between being listed and being downloaded: nothing to store. */
	gone: number;
	/** Mails larger than the desk reads: not downloaded, logged; they stay on the server. */
	tooLarge: number;
	/** The initial sync was stopped before it ended (it resumes at the next sync). */
	stopped: boolean;
	/** The server could not give the changes since the stored state, and the mailbox was queried again. */
	resynced: boolean;
}

/** Progress of an account's sync: stored of total (total null while unknown). */
export interface SyncProgress {
	accountId: string;
	done: number;
	total: number | null;
}

/** Records (or, with null, clears) an account's progress and tells the desk's listener. */
function setProgress(ctx: DeskContext, accountId: string, progress: { done: number; total: number | null } | null): void {
	if (progress) ctx.mailbox.progress.set(accountId, progress);
	else ctx.mailbox.progress.delete(accountId);
	ctx.mailbox.onProgress?.();
}

function markKey(accountId: string, emailId: string): string {
	return `${accountId}/${emailId}`;
}

async function syncState(ctx: DeskContext, account: MailAccountRecord): Promise<MailSyncRecord> {
	return stateOf(account, await mailSyncStore.ofAccount(ctx.db, account.id));
}

/** A size in MB, as Recent Logs say it. */
function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The raw message of an Email; null when the Email was destroyed on the server after it was
 * listed (its blob is gone, and Email/get no longer knows it); 'too-large' when it is longer
 * than the desk reads (not read past that). Any other failure throws.
 */
async function downloadOrGone(ctx: DeskContext, client: JmapClient, email: { id: string; blobId: string }, downloading?: Promise<Uint8Array>): Promise<Uint8Array | null | 'too-large'> {
	try {
		return await (downloading ?? client.download(email.blobId, { maxBytes: messageSizeLimit(ctx) }));
	} catch (error) {
		if (error instanceof MailboxError && error.code === 'too-large') return 'too-large';
		if (!(error instanceof MailboxError && error.code === 'request')) throw error;
		const { notFound } = await client.getEmails([email.id]);
		if (notFound.includes(email.id)) return null;
		throw error;
	}
}

/**
 * Downloads and stores one Email unless it is already stored (or destroyed meanwhile, or larger
 * than the desk reads).
 * @returns 'stored' when stored now, 'skipped' when already stored, 'gone' when destroyed on the
 *   server, 'tooLarge' when passed over for its size ('passedOverAgain' when this desk did so before)
 */
async function storeEmail(
	ctx: DeskContext,
	client: JmapClient,
	account: MailAccountRecord,
	email: Pick<EmailSummary, 'id' | 'blobId' | 'size' | 'messageId'>,
	sync?: MailSyncRecord,
	downloading?: Promise<Uint8Array>
): Promise<Outcome> {
	const key = markKey(account.id, email.id);
	if (await markedArticle(ctx, key)) {
		if (sync) await mailSyncStore.save(ctx.db, sync);
		return 'skipped';
	}
	// Over the limit by the size the server gives: not downloaded at all.
	const raw = email.size > messageSizeLimit(ctx) ? 'too-large' : await downloadOrGone(ctx, client, email, downloading);
	if (raw === 'too-large') {
		// Offered again (changed on the server): passed over as before, without a new log line.
		if (ctx.mailbox.passedOver.has(key)) {
			if (sync) await mailSyncStore.save(ctx.db, sync);
			return 'passedOverAgain';
		}
		await passOverTooLarge(ctx, account, email, sync);
		ctx.mailbox.passedOver.add(key);
		return 'tooLarge';
	}
	if (raw === null) {
		// Nothing to store, but the sync moves past it.
		if (sync) await mailSyncStore.save(ctx.db, sync);
		return 'gone';
	}
	const mark: MailMark = { id: { key, accountId: account.id, emailId: email.id, blobId: email.blobId }, ...(sync ? { sync } : {}) };
	await receive(ctx, raw, mark);
	if (mark.outcome === 'existing' && sync) await mailSyncStore.save(ctx.db, sync);
	return mark.outcome === 'stored' ? 'stored' : 'skipped';
}

/** What happened to one Email of a sync ('passedOverAgain': too large, and told already; not counted). */
type Outcome = 'stored' | 'skipped' | 'gone' | 'tooLarge' | 'passedOverAgain';

function count(result: SyncResult, outcome: Outcome): void {
	if (outcome !== 'passedOverAgain') result[outcome]++;
}

/** Logs a mail too large to read, with the sync state it completes, in one transaction. */
async function passOverTooLarge(ctx: DeskContext, account: MailAccountRecord, email: Pick<EmailSummary, 'id' | 'size' | 'messageId'>, sync: MailSyncRecord | undefined): Promise<void> {
	const messageId = email.messageId?.[0] ? `<${email.messageId[0]}>` : null;
	const size = email.size > messageSizeLimit(ctx) ? `is ${megabytes(email.size)}` : 'is larger than the server said';
	const detail = `Mail ${messageId ?? `${email.id} of ${account.id}`} ${size}, over the ${megabytes(messageSizeLimit(ctx))} Sealdesk reads: not downloaded; it stays on the mail server.`;
	await withWriteTransaction(ctx.db, ['mailSync', 'logs'], async (tx) => {
		if (sync) await mailSyncStore.save(tx, sync);
		await appendLog(tx, { direction: 'in', operation: 'sync', status: 'failed', detail, messageId }, ctx.now());
	});
	announce(ctx, ['mailSync', 'logs']);
}

/**
 * The next page of the initial query. It starts right after the newest handled mail still in the
 * mailbox (an anchor, RFC 8620 §5.5): mail destroyed on the server before it, or arriving after
 * it, moves nothing. Only when none of them is left (or on the first page) is it found by
 * position, stepped back by as many mails as the mailbox lost; what is seen again is skipped.
 */
async function nextPage(client: JmapClient, account: MailAccountRecord, state: MailSyncRecord): Promise<QueryResult> {
	const filter = { inMailbox: account.mailboxId };
	for (const anchor of [...(state.handled ?? [])].reverse()) {
		try {
			return await client.queryEmails({ filter, anchor, anchorOffset: 1, limit: PAGE });
		} catch (error) {
			if (!(error instanceof JmapMethodError && error.type === 'anchorNotFound')) throw error;
		}
	}
	const page = await client.queryEmails({ filter, position: state.position, limit: PAGE });
	if (state.total === null || page.total === null || page.total >= state.total || state.position === 0) return page;
	return client.queryEmails({ filter, position: Math.max(0, state.position - (state.total - page.total)), limit: PAGE });
}

/** The first sync: the mailbox's query, page by page, resuming after the last mail it handled. */
async function initialSync(ctx: DeskContext, client: JmapClient, account: MailAccountRecord, result: SyncResult): Promise<void> {
	let state = await syncState(ctx, account);
	if (state.startState === null) {
		// /changes later resumes from here: whatever arrives during the query is caught then.
		state = { ...state, startState: await client.emailState(), position: 0, handled: [] };
		await mailSyncStore.save(ctx.db, state);
	}
	for (;;) {
		const page = await nextPage(client, account, state);
		state = { ...state, position: page.position, total: page.total };
		setProgress(ctx, account.id, { done: state.position, total: page.total });
		if (page.ids.length === 0) break;
		const { list } = await client.getEmails(page.ids);
		const byId = new Map(list.map((e) => [e.id, e]));
		// The next mail downloads while this one is verified, decrypted and stored.
		let next: Promise<Uint8Array> | undefined;
		const prefetch = (index: number): Promise<Uint8Array> | undefined => {
			const email = byId.get(page.ids[index] ?? '');
			if (!email || email.size > messageSizeLimit(ctx)) return undefined;
			const download = client.download(email.blobId, { maxBytes: messageSizeLimit(ctx) });
			download.catch(() => undefined);
			return download;
		};
		next = prefetch(0);
		for (const [index, id] of page.ids.entries()) {
			if (ctx.mailbox.stopping.has(account.id)) {
				result.stopped = true;
				return;
			}
			const email = byId.get(id);
			const downloading = next;
			next = prefetch(index + 1);
			state = { ...state, position: state.position + 1, handled: [...(state.handled ?? []), id].slice(-PAGE) };
			// Gone between query and get: nothing to store, but the query moves on.
			if (email) count(result, await storeEmail(ctx, client, account, email, state, downloading));
			else {
				await mailSyncStore.save(ctx.db, state);
				result.gone++;
			}
			setProgress(ctx, account.id, { done: state.position, total: state.total });
		}
		if (page.total !== null && state.position >= page.total) break;
	}
	// The query is done: from now on, /changes from the state it began at.
	await mailSyncStore.save(ctx.db, { ...state, emailState: state.startState, handled: [] });
}

/** Later syncs: Email/changes from the stored state, storing new mail in the synced mailbox. */
async function changesSync(ctx: DeskContext, client: JmapClient, account: MailAccountRecord, result: SyncResult): Promise<void> {
	let state = await syncState(ctx, account);
	for (;;) {
		if (state.emailState === null) return;
		const changes = await client.emailChanges(state.emailState, PAGE);
		// Created, and updated too: a mail moved into the mailbox is an update.
		const candidates = [...changes.created, ...changes.updated];
		const { list } = candidates.length > 0 ? await client.getEmails(candidates) : { list: [] };
		const wanted = list.filter((e) => e.mailboxIds[account.mailboxId] === true);
		const next: MailSyncRecord = { ...state, emailState: changes.newState };
		for (const [index, email] of wanted.entries()) {
			const last = index === wanted.length - 1;
			// The new state is written with the last mail of the batch, in its transaction.
			count(result, await storeEmail(ctx, client, account, email, last ? next : undefined));
		}
		if (wanted.length === 0) await mailSyncStore.save(ctx.db, next);
		state = next;
		if (!changes.hasMoreChanges) return;
	}
}

async function runSync(ctx: DeskContext, accountId: string): Promise<SyncResult> {
	const result: SyncResult = { accountId, stored: 0, skipped: 0, gone: 0, tooLarge: 0, stopped: false, resynced: false };
	let account: MailAccountRecord | undefined;
	try {
		const connected = await clientFor(ctx, accountId);
		account = connected.account;
		const { client } = connected;
		if ((await syncState(ctx, account)).emailState === null) await initialSync(ctx, client, account, result);
		else {
			try {
				await changesSync(ctx, client, account, result);
			} catch (error) {
				if (!(error instanceof JmapMethodError && error.type === 'cannotCalculateChanges')) throw error;
				// Too old a state: query the whole mailbox again; stored mail is recognised by its ids.
				result.resynced = true;
				await mailSyncStore.save(ctx.db, freshState(account));
				await initialSync(ctx, client, account, result);
			}
		}
		await finish(ctx, accountId, result, 'success', `Sync of ${accountId}: ${String(result.stored)} new, ${String(result.skipped)} already stored${result.gone > 0 ? `, ${String(result.gone)} gone from the server` : ''}${result.tooLarge > 0 ? `, ${String(result.tooLarge)} too large to download` : ''}${result.stopped ? ', stopped' : ''}${result.resynced ? ', mailbox queried again' : ''}.`);
		return result;
	} catch (error) {
		const detail = error instanceof MailboxError ? `${error.message} ${error.detail}`.trim() : error instanceof Error ? error.message : String(error);
		if (account) await finish(ctx, accountId, result, 'failed', `Sync of ${accountId} failed after ${String(result.stored)} new: ${detail}`).catch(() => undefined);
		throw error;
	}
}

async function finish(ctx: DeskContext, accountId: string, result: SyncResult, status: 'success' | 'failed', detail: string): Promise<void> {
	await withWriteTransaction(ctx.db, ['mailSync', 'logs'], async (tx) => {
		const state = await mailSyncStore.ofAccount(tx, accountId);
		if (state) await mailSyncStore.save(tx, { ...state, lastSync: { at: ctx.now().toISOString(), status, detail } });
		// Quiet syncs that found nothing are not logged, or the log would fill with polling.
		if (status === 'failed' || result.stored > 0 || result.gone > 0 || result.tooLarge > 0 || result.resynced || result.stopped) {
			await appendLog(tx, { direction: 'in', operation: 'sync', status, detail, messageId: null }, ctx.now());
		}
	});
	announce(ctx, ['mailSync', 'logs']);
}

/**
 * Syncs an account's mailbox into tickets (every account when `accountId` is omitted). One sync
 * per account at a time: a call while one runs joins it.
 * @throws MailboxError when the server cannot be reached or refuses; Error for a locked vault or
 *   an unknown account. Mail stored before the failure stays, and the next sync resumes.
 */
export async function syncMailbox(ctx: DeskContext, accountId?: string): Promise<SyncResult[]> {
	const ids = accountId !== undefined ? [accountId] : (await mailAccountStore.ids(ctx.db));
	const results: SyncResult[] = [];
	for (const id of ids) {
		let running = ctx.mailbox.syncs.get(id) as Promise<SyncResult> | undefined;
		if (!running) {
			ctx.mailbox.stopping.delete(id);
			running = runSync(ctx, id).finally(() => {
				ctx.mailbox.syncs.delete(id);
				setProgress(ctx, id, null);
				ctx.mailbox.stopping.delete(id);
			});
			ctx.mailbox.syncs.set(id, running);
		}
		results.push(await running);
	}
	return results;
}

/** Asks a running sync to stop after the mail it is storing; the next sync resumes there. */
export function stopMailboxSync(ctx: DeskContext, accountId: string): void {
	if (ctx.mailbox.syncs.has(accountId)) ctx.mailbox.stopping.add(accountId);
}

/** The progress of the syncs running now (for the progress bar). */
export function mailboxProgress(ctx: DeskContext): SyncProgress[] {
	return [...ctx.mailbox.progress.entries()].map(([accountId, p]) => ({ accountId, done: p.done, total: p.total }));
}
