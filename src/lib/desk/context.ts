/**
 * The context every desk operation takes. Operations live in separate modules
 * (certificates, vault, receive, compose, groups) that receive this, so adding one is a new
 * file plus one line in desk.ts.
 */
import type { SealdeskDatabase } from '../store/db';
import type { ChangeFeed, StoreChange } from '../store/changes';
import type { LegacyReaders } from '../pki/read';
import type { FetchLike } from '../mailbox/types';
import type { PhaseObserver } from './phases';

/** What the mailbox sync and the outbox keep in memory for one open desk. */
export interface MailboxRuntime {
	/** The sync running for an account, which later calls join. */
	syncs: Map<string, Promise<unknown>>;
	/** Progress of an initial sync: stored of total. */
	progress: Map<string, { done: number; total: number | null }>;
	/** Told each time `progress` changes (openDesk's onMailboxProgress; the worker pushes it to the page). */
	onProgress?: () => void;
	/** Accounts whose running sync should stop after the mail it is storing. */
	stopping: Set<string>;
	/**
	 * Emails passed over as too large in this desk (`account/emailId`): a change to one on the
	 * server (a flag) offers it again, and it is then passed over without another log line.
	 */
	passedOver: Set<string>;
	/** The outbox run in progress, which later calls join. */
	sending: Promise<unknown> | null;
	/** Each watched account's push (see mailbox-push.ts). */
	push: Map<string, MailboxPush>;
}

/** One account's push: its event-source stream, and the syncs its StateChanges start. */
export interface MailboxPush {
	/** Aborting it closes the stream and ends the retries. */
	controller: AbortController;
	/** 'open' while the event source streams; 'none' when the session offers no push. */
	state: 'connecting' | 'open' | 'down' | 'none';
	/** A push-started sync is running. */
	syncing: boolean;
	/** A change came during that sync: run one more after it. */
	again: boolean;
	/** The pending debounce timer of a change. */
	debounce: unknown;
	/** The watch loop is running (it stops for good on a locked vault or an unknown account). */
	running: boolean;
	/** The id of the last event the stream gave, sent back as Last-Event-ID when it reopens. */
	lastEventId: string;
	/** Why the stream is down, as the admin page shows it (empty otherwise). */
	reason: string;
}

/** Shared state of one open desk. */
export interface DeskContext {
	db: SealdeskDatabase;
	crypto: Crypto;
	now(): Date;
	/** The database name (for change notices). */
	name: string;
	/** Announces committed changes to other tabs. */
	changes: ChangeFeed;
	/**
	 * The vault key derived from the vault passphrase, held only in memory once unlocked; when it
	 * was last used (ms since the epoch, by `now`), and the pending idle auto-lock timer.
	 */
	vault: { unlocked: CryptoKey | null; lastUsed: number; timer: unknown };
	/** The timers the idle auto-lock uses (injectable for tests). */
	timers: DeskTimers;
	/**
	 * Test hook, not an openDesk option: called before each write of an import; throwing from
	 * it aborts the import. Fault tests set it on `desk.context` after opening the desk.
	 */
	onImportWrite?: (index: number) => void;
	/** Largest raw mail processed by receive, in bytes (default: the S/MIME layer's 50 MB). */
	maxMessageSize?: number;
	/** Where node-forge's slow PKCS#12 and PBE readers run (a worker of their own in the app). */
	legacy: LegacyReaders;
	/** How the mailbox reaches the JMAP server (globalThis.fetch by default). */
	fetch: FetchLike;
	/** What a relative session URL such as `/jmap` resolves against (the page's or worker's location). */
	base?: string;
	mailbox: MailboxRuntime;
	/** Told how long each phase took (see phases.ts); User Timing measures by default. */
	phases: PhaseObserver;
}

/** A timer source: setTimeout and clearTimeout by default. */
export interface DeskTimers {
	/** Calls `callback` once after `ms` milliseconds; returns a handle for {@link DeskTimers.clear}. */
	set(callback: () => void, ms: number): unknown;
	/** Cancels a pending timer. */
	clear(handle: unknown): void;
}

/** The platform's timers; in Node they do not keep the process alive. */
export const platformTimers: DeskTimers = {
	set(callback, ms) {
		const handle = setTimeout(callback, ms);
		(handle as { unref?: () => void }).unref?.();
		return handle;
	},
	clear(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	}
};

/** Publishes that these stores changed (after a transaction committed). */
export function announce(ctx: DeskContext, stores: StoreChange['store'][]): void {
	ctx.changes.publish(stores.map((store) => ({ store, database: ctx.name })));
}
