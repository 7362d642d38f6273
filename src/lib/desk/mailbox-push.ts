/**
 * Push for the mailbox: while the desk watches an account whose session offers an event source
 * (RFC 8620 §7.3), a StateChange for its Email or Mailbox state starts a sync at once instead of
 * at the next poll. One push-started sync at a time per account; a change during it runs one more
 * after it. When the event source fails to open, fails or ends, the desk retries it later with a
 * growing delay (5 s doubling to 5 min, back to 5 s once a stream stayed open a minute), sending
 * the last event id back as Last-Event-ID, and syncs once it is open again, for what changed
 * while it was down. The page's 30 s poll keeps
 * running all the time, so mail arrives either way (Debian's Cyrus 3.6 offers an event-source URL
 * but answers it with an error). The stream stops on disconnect, on close and when the vault
 * locks. Each change of an account's push state is announced as a change of the accounts, so
 * the admin page shows it.
 */
import { MailboxError } from '../mailbox/errors';
import type { StateChanges } from '../mailbox/push';
import { mailAccountStore } from '../store/repositories';
import { announce, type DeskContext, type MailboxPush } from './context';
import { clientFor } from './mailbox-accounts';
import { syncMailbox } from './mailbox-sync';

/** Wait after a StateChange before syncing, so that a burst of them starts one sync. */
export const PUSH_DEBOUNCE_MS = 200;
/** First and longest wait before opening a failed event source again. */
export const PUSH_RETRY_MIN_MS = 5_000;
/** @see PUSH_RETRY_MIN_MS */
export const PUSH_RETRY_MAX_MS = 300_000;
/**
 * How long a stream must have stayed open for the retry delay to start again at its least: a
 * stream that opens and ends at once (a proxy's idle timeout) keeps backing off, instead of
 * costing a reconnect and a sync every 5 seconds.
 */
export const PUSH_STABLE_MS = 60_000;

/** What the desk knows of an account's push: 'open' while the event source streams. */
export type PushState = MailboxPush['state'];

function wait(ctx: DeskContext, ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const done = (): void => {
			ctx.timers.clear(handle);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const handle = ctx.timers.set(done, ms);
		signal.addEventListener('abort', done);
	});
}

/** Why push is down, as the admin page says it (inside brackets, after "Push is down"). */
function downReason(error: MailboxError): string {
	switch (error.code) {
		case 'unreachable':
			return 'the mail server cannot be reached';
		case 'request':
			// e.g. Debian's Cyrus 3.6: "HTTP 204 without content type from the event source".
			return `the server's event source sends no events: ${error.detail.replace(/ from the event source$/, '')}`;
		case 'protocol':
			return `the event stream broke off: ${error.detail}`;
		default:
			return error.message;
	}
}

/** Sets an account's push state (and why it is down), telling the pages when it changed. */
function setState(ctx: DeskContext, push: MailboxPush, state: PushState, reason = ''): void {
	if (push.state === state && push.reason === reason) return;
	push.state = state;
	push.reason = reason;
	announce(ctx, ['mailAccounts']);
}

/** Whether a change came during the sync that just ended (read after awaits, so not narrowed). */
function runAgain(push: MailboxPush): boolean {
	return push.again && !push.controller.signal.aborted;
}

/** Whether the watch was stopped (read after awaits). */
function stopped(signal: AbortSignal): boolean {
	return signal.aborted;
}

/** Runs a sync for a StateChange: after any sync already running (it may have begun before the change). */
async function pushSync(ctx: DeskContext, accountId: string, push: MailboxPush): Promise<void> {
	if (push.syncing) {
		push.again = true;
		return;
	}
	push.syncing = true;
	try {
		do {
			push.again = false;
			await ctx.mailbox.syncs.get(accountId)?.catch(() => undefined);
			if (push.controller.signal.aborted) return;
			// A failure is logged by the sync; the poll and the next change try again.
			await syncMailbox(ctx, accountId).catch(() => undefined);
		} while (runAgain(push));
	} finally {
		push.syncing = false;
	}
}

function changed(ctx: DeskContext, accountId: string, jmapAccountId: string, push: MailboxPush, changes: StateChanges): void {
	const types = changes[jmapAccountId];
	if (!types || (!('Email' in types) && !('Mailbox' in types))) return;
	if (push.debounce !== null) return;
	push.debounce = ctx.timers.set(() => {
		push.debounce = null;
		void pushSync(ctx, accountId, push);
	}, PUSH_DEBOUNCE_MS);
}

async function watch(ctx: DeskContext, accountId: string, push: MailboxPush): Promise<void> {
	const { signal } = push.controller;
	let delay = PUSH_RETRY_MIN_MS;
	let reopening = false;
	while (!signal.aborted) {
		setState(ctx, push, 'connecting', push.reason);
		const opened: { at: number | null } = { at: null };
		try {
			const { client } = await clientFor(ctx, accountId);
			const offered = await client.events({
				types: ['Email', 'Mailbox'],
				signal,
				lastEventId: push.lastEventId,
				onOpen: () => {
					setState(ctx, push, 'open');
					opened.at = ctx.now().getTime();
					// Changes made while the stream was down were told to no one: sync for them.
					if (reopening) void pushSync(ctx, accountId, push);
				},
				onEventId: (id) => {
					push.lastEventId = id;
				},
				onChange: (changes) => {
					changed(ctx, accountId, client.accountId, push, changes);
				}
			});
			if (!offered) {
				// The session offers no push: polling alone, until the desk is asked to watch again.
				setState(ctx, push, 'none');
				return;
			}
			if (stopped(signal)) return;
			setState(ctx, push, 'down', 'the event source closed the stream');
		} catch (error) {
			// A locked vault or a vanished account: stop; watchMailbox starts again after unlocking.
			if (!(error instanceof MailboxError)) {
				setState(ctx, push, 'down', error instanceof Error ? error.message : String(error));
				return;
			}
			if (stopped(signal)) return;
			setState(ctx, push, 'down', downReason(error));
		}
		reopening = true;
		if (opened.at !== null && ctx.now().getTime() - opened.at >= PUSH_STABLE_MS) delay = PUSH_RETRY_MIN_MS;
		await wait(ctx, delay, signal);
		delay = Math.min(delay * 2, PUSH_RETRY_MAX_MS);
	}
}

/**
 * Starts push for every connected account that is not watched yet (idempotent: the page calls
 * it on each poll, so push comes back after an unlock or a new account).
 */
export async function watchMailbox(ctx: DeskContext): Promise<void> {
	for (const id of await mailAccountStore.ids(ctx.db)) {
		const known = ctx.mailbox.push.get(id);
		// Watching, or the session offers no push: nothing to start.
		if (known && (known.running || known.state === 'none')) continue;
		const push: MailboxPush = { controller: new AbortController(), state: 'connecting', syncing: false, again: false, debounce: null, running: true, lastEventId: '', reason: '' };
		ctx.mailbox.push.set(id, push);
		void watch(ctx, id, push).finally(() => {
			push.running = false;
		});
	}
}

/** Stops push for one account (or for all): the stream closes, pending retries and syncs are dropped. */
export function unwatchMailbox(ctx: DeskContext, accountId?: string): void {
	for (const [id, push] of ctx.mailbox.push) {
		if (accountId !== undefined && id !== accountId) continue;
		push.controller.abort();
		if (push.debounce !== null) ctx.timers.clear(push.debounce);
		push.debounce = null;
		ctx.mailbox.push.delete(id);
	}
}

/** Each watched account's push state (for tests and the admin page). */
export function mailboxPushState(ctx: DeskContext): Record<string, PushState> {
	return Object.fromEntries([...ctx.mailbox.push].map(([id, push]) => [id, push.state]));
}
