/**
 * The admin page's Mailbox section: test a JMAP connection, connect it (the password is sealed
 * under the vault key by the desk), list the accounts and disconnect them.
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
			const { mailboxes } = await desk.testMailbox(this.#credentials());
			this.mailboxes = mailboxes;
			return `Connected. The account has ${String(mailboxes.length)} mailboxes.`;
		});
	}

	/** Connects the account, forgets the typed password, and starts the first sync. */
	connect(): Promise<void> {
		return this.#run(async () => {
			const account = await desk.connectMailbox(this.#credentials());
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
