/**
 * The admin page's Mailbox section: test a JMAP connection, choose which of its mailboxes syncs
 * into tickets (the Inbox unless another is chosen), connect it (the password is sealed under
 * the vault key by the desk), list the accounts and disconnect them.
 */
import type { MailAccountInfo } from '$lib/desk/mailbox-accounts';
import type { Mailbox } from '$lib/mailbox/types';
import { desk, deskChanges } from '$lib/ui/desk-client';
import { mailboxSync } from './mailbox-sync.svelte';

/** The Mailbox section's state. */
export class MailboxAdmin {
	sessionUrl = $state('/jmap');
	username = $state('');
	password = $state('');
	busy = $state(false);
	/** The last outcome, read out by a live region. */
	message = $state('');
	error = $state<string | null>(null);
	/** The mailboxes of the last successful test. */
	mailboxes = $state.raw<Mailbox[]>([]);
	/** The mailbox chosen among them to sync into tickets (the Inbox after a test). */
	mailboxId = $state('');
	/** The session URL and user name the mailboxes were listed for: a choice holds only for them. */
	#testedFor = $state<string | null>(null);

	#account(): string {
		return `${this.sessionUrl.trim()}\n${this.username.trim()}`;
	}

	/** The mailboxes to choose from: the Inbox first, then by name. */
	get choices(): Mailbox[] {
		return [...this.mailboxes].sort((a, b) => Number(b.role === 'inbox') - Number(a.role === 'inbox') || a.name.localeCompare(b.name));
	}

	/** The mailbox choice applies: the listed mailboxes are this session's and user's. */
	get choosing(): boolean {
		return this.mailboxes.length > 0 && this.#testedFor === this.#account();
	}
	accounts = $state.raw<MailAccountInfo[]>([]);

	#credentials(): { sessionUrl: string; username: string; password: string } {
		return { sessionUrl: this.sessionUrl, username: this.username, password: this.password };
	}

	async #run(action: () => Promise<string>): Promise<void> {
		if (this.busy) return;
		this.busy = true;
		this.error = null;
		this.message = '';
		try {
			this.message = await action();
		} catch (error) {
			this.error = error instanceof Error ? error.message : 'The mail server could not be used.';
		} finally {
			this.busy = false;
		}
	}

	/** Test connection: connects and lists the mailboxes, storing nothing. */
	test(): Promise<void> {
		return this.#run(async () => {
			// The account the test is of: the fields may be edited while it runs.
			const tested = this.#account();
			const { mailboxes } = await desk.testMailbox(this.#credentials());
			this.#testedFor = tested;
			this.mailboxId = (mailboxes.find((m) => m.role === 'inbox') ?? mailboxes[0])?.id ?? '';
			this.mailboxes = mailboxes;
			return `Connected. The account has ${String(mailboxes.length)} mailboxes.`;
		});
	}

	/** Connects the account, forgets the typed password, and starts the first sync. */
	connect(): Promise<void> {
		return this.#run(async () => {
			const chosen = this.choosing && this.mailboxId !== '' ? { mailboxId: this.mailboxId } : {};
			const account = await desk.connectMailbox({ ...this.#credentials(), ...chosen });
			this.password = '';
			await this.load();
			void mailboxSync.syncNow();
			return `Connected ${account.id}. Its ${account.mailboxName} syncs into tickets.`;
		});
	}

	/** Deletes an account's credentials. */
	disconnect(id: string): Promise<void> {
		return this.#run(async () => {
			await desk.disconnectMailbox(id);
			await this.load();
			return `Disconnected ${id}. Its credentials were deleted; its mail stays in the tickets.`;
		});
	}

	/** Reads the accounts. */
	async load(): Promise<void> {
		this.accounts = await desk.listMailAccounts();
	}

	/** Loads now and on every change of accounts or sync state; returns the cleanup. */
	start(): () => void {
		void this.load();
		return deskChanges((change) => {
			if (change.store === 'mailAccounts' || change.store === 'mailSync') void this.load();
		});
	}
}
