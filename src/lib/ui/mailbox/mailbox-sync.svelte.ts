/**
 * The page side of the mailbox: when to sync and send. The desk (in its worker) does the work,
 * one sync per account at a time; this only triggers it every 30 seconds, when the window gets
 * the focus and when the browser comes back online (which also sends the outbox), and shows the
 * progress of an initial sync, which the agent can stop. The worker pushes that progress as each
 * mail is stored (a 'progress' message), so nothing polls for it.
 */
import type { SyncProgress } from '$lib/desk/mailbox-sync';
import { desk, onMailboxProgress } from '$lib/ui/desk-client';

/**
 * How often the mailbox is polled. Always, even while push works: the poll also (re)starts push
 * after an unlock or a new account, sends the outbox, and catches a stream that went silent.
 */
const POLL_MS = 30_000;

/** The mailbox sync state the shell shows. */
export class MailboxSync {
	/** Progress of the initial syncs running now. */
	progress = $state.raw<SyncProgress[]>([]);
	/** The last sync's failure, shown until a sync succeeds. */
	error = $state<string | null>(null);
	running = $state(false);

	/** Syncs every account, then sends what waits in the outbox. Never rejects. */
	async syncNow(): Promise<void> {
		if (this.running) return;
		if ((await desk.listMailAccounts()).length === 0) return;
		// Push where the server offers it (the desk's event-source reader syncs on each change).
		await desk.watchMailbox().catch(() => undefined);
		this.running = true;
		try {
			await desk.syncMailbox();
			this.error = null;
		} catch (error) {
			this.error = error instanceof Error ? error.message : 'The mailbox could not be synced.';
		} finally {
			this.running = false;
			this.progress = [];
		}
		await desk.sendQueued().catch(() => undefined);
	}

	/** Stops the running initial sync of an account after the mail it is storing. */
	async stop(accountId: string): Promise<void> {
		await desk.stopMailboxSync(accountId);
	}

	/** Starts polling, listening for focus and online, and following the sync's progress; returns the cleanup. */
	start(): () => void {
		const unfollow = onMailboxProgress((progress) => {
			this.progress = progress;
		});
		const sync = (): void => void this.syncNow();
		const online = (): void => {
			void desk.sendQueued().catch(() => undefined);
			sync();
		};
		const timer = setInterval(sync, POLL_MS);
		window.addEventListener('focus', sync);
		window.addEventListener('online', online);
		// Not at once: the page becomes usable first, and the desk worker starts after.
		const first = setTimeout(sync, 1000);
		return () => {
			unfollow();
			clearTimeout(first);
			clearInterval(timer);
			window.removeEventListener('focus', sync);
			window.removeEventListener('online', online);
		};
	}
}

/** The one instance the shell and the admin page share. */
export const mailboxSync = new MailboxSync();
