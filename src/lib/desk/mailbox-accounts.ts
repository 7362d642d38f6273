/**
 * Mailbox accounts: connecting a JMAP account, testing a connection, listing and
 * disconnecting. The password or token is sealed with AES-GCM under the vault key (the device
 * key, or the passphrase-derived key, so it locks with the vault) and never stored in clear.
 */
import { JmapClient } from '../mailbox/client';
import type { Mailbox } from '../mailbox/types';
import type { MailAccountRecord, MailSyncRecord } from '../store/records';
import { mailAccountStore, mailSyncStore } from '../store/repositories';
import { readTransaction, withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext, type MailboxPush } from './context';
import { appendLog } from './log';
import { seal, sealingKey, unseal } from './vault';

/** The sentence when the sealed credentials cannot be opened because the vault is locked. */
export const MAILBOX_VAULT_LOCKED = 'Unlock the vault to use the mailbox: its password is sealed with the vault.';
/**
 * The sentence when the sealed password does not open with the vault key. Setting, changing or
 * removing the vault passphrase re-seals every password with the keys, so this is only an account
 * stored before that was so, or a damaged record.
 */
export const RESEALED = 'The mailbox password does not open with the vault key. Connect the account again.';
/** The sentence for an account id that is not connected. */
export const NO_ACCOUNT = 'No mailbox account has this id.';

/** What the user enters to connect. */
export interface MailboxCredentials {
	/** The session URL; `/jmap` (the app's own origin, through the reverse proxy) by default. */
	sessionUrl?: string;
	username: string;
	/** A password, or a token (with an empty user name it is sent as a Bearer token). */
	password: string;
}

/** A connected account as the admin page shows it (never the password). */
export interface MailAccountInfo {
	id: string;
	sessionUrl: string;
	username: string;
	mailboxId: string;
	mailboxName: string;
	connectedAt: string;
	sync: {
		/** The initial sync is done and later syncs follow /changes. */
		initialDone: boolean;
		stored: number;
		total: number | null;
		lastSync?: { at: string; status: 'success' | 'failed'; detail: string };
	};
	/**
	 * Push in this desk: 'open' while the server's event source streams changes, 'none' when the
	 * session offers none, 'down' (with why) while it is retried; null while not watched. The
	 * 30 s poll runs either way.
	 */
	push: { state: MailboxPush['state']; reason: string } | null;
}

/** The session URL used when none is given: the app's own origin. */
export const DEFAULT_SESSION_URL = '/jmap';

function connectOptions(ctx: DeskContext, credentials: MailboxCredentials): Parameters<typeof JmapClient.connect>[0] {
	return {
		sessionUrl: credentials.sessionUrl?.trim() || DEFAULT_SESSION_URL,
		username: credentials.username.trim(),
		password: credentials.password,
		fetch: ctx.fetch,
		...(ctx.base !== undefined ? { base: ctx.base } : {})
	};
}

/**
 * Connects without storing anything and lists the account's mailboxes.
 * @throws MailboxError with the sentence for unreachable, wrong credentials, not JMAP, no mail
 */
export async function testMailbox(ctx: DeskContext, credentials: MailboxCredentials): Promise<{ mailboxes: Mailbox[] }> {
	const client = await JmapClient.connect(connectOptions(ctx, credentials));
	return { mailboxes: await client.mailboxes() };
}

/**
 * Tests the connection, then stores the account with its password sealed, syncing the Inbox
 * (or `mailboxId`). Connecting the same user at the same URL again replaces the credentials.
 * @throws MailboxError when the connection fails; Error MAILBOX_VAULT_LOCKED with a locked vault;
 *   Error "This account has no mailbox with this id." / "This account has no Inbox."
 */
export async function connectMailbox(ctx: DeskContext, credentials: MailboxCredentials & { mailboxId?: string }): Promise<MailAccountInfo> {
	const options = connectOptions(ctx, credentials);
	const key = await sealingKey(ctx);
	if (!key) throw new Error(MAILBOX_VAULT_LOCKED);
	const client = await JmapClient.connect(options);
	const mailboxes = await client.mailboxes();
	const mailbox = credentials.mailboxId ? mailboxes.find((m) => m.id === credentials.mailboxId) : mailboxes.find((m) => m.role === 'inbox');
	if (!mailbox) throw new Error(credentials.mailboxId ? 'This account has no mailbox with this id.' : 'This account has no Inbox.');
	const record: MailAccountRecord = {
		id: `${options.username} at ${options.sessionUrl}`,
		sessionUrl: options.sessionUrl,
		username: options.username,
		sealedPassword: await seal(ctx.crypto, key, new TextEncoder().encode(options.password)),
		jmapAccountId: client.accountId,
		mailboxId: mailbox.id,
		mailboxName: mailbox.name,
		connectedAt: ctx.now().toISOString()
	};
	const change = { otherMailbox: false };
	await withWriteTransaction(
		ctx.db,
		['mailAccounts', 'mailSync', 'logs'],
		async (tx) => {
			const previous = await mailAccountStore.byId(tx, record.id);
			await mailAccountStore.save(tx, record);
			// Another mailbox than before starts over with a query (stored mail is still never stored
			// twice). What a sync of the old one still writes is of its mailbox, and counts as none.
			change.otherMailbox = previous !== undefined && previous.mailboxId !== record.mailboxId;
			if (previous?.mailboxId !== record.mailboxId) await mailSyncStore.remove(tx, record.id);
			await appendLog(tx, { direction: 'admin', operation: 'mailbox-connect', status: 'success', detail: `Connected ${record.id}, syncing ${mailbox.name}.`, messageId: null }, ctx.now());
		},
		{ notStored: 'The mailbox account was not stored.', otherwise: 'The mailbox account could not be stored.' }
	);
	// A sync of the old mailbox running now stops after the mail it is storing.
	if (change.otherMailbox && ctx.mailbox.syncs.has(record.id)) ctx.mailbox.stopping.add(record.id);
	announce(ctx, ['mailAccounts', 'logs']);
	return info(ctx, record, undefined);
}

/** A sync state of nothing synced yet, for the account's mailbox. */
export function freshState(account: Pick<MailAccountRecord, 'id' | 'mailboxId'>): MailSyncRecord {
	return { accountId: account.id, mailboxId: account.mailboxId, emailState: null, startState: null, position: 0, total: null, handled: [] };
}

/** The stored sync state of the account's mailbox; a fresh one when none, or when it is of another mailbox. */
export function stateOf(account: Pick<MailAccountRecord, 'id' | 'mailboxId'>, record: MailSyncRecord | undefined): MailSyncRecord {
	if (!record || (record.mailboxId !== undefined && record.mailboxId !== account.mailboxId)) return freshState(account);
	return { ...record, mailboxId: account.mailboxId };
}

function info(ctx: DeskContext, record: MailAccountRecord, stored: MailSyncRecord | undefined): MailAccountInfo {
	const push = ctx.mailbox.push.get(record.id);
	const sync = stored ? stateOf(record, stored) : undefined;
	return {
		id: record.id,
		sessionUrl: record.sessionUrl,
		username: record.username,
		mailboxId: record.mailboxId,
		mailboxName: record.mailboxName,
		connectedAt: record.connectedAt,
		sync: {
			initialDone: sync?.emailState != null,
			stored: sync?.position ?? 0,
			total: sync?.total ?? null,
			...(sync?.lastSync ? { lastSync: sync.lastSync } : {})
		},
		push: push ? { state: push.state, reason: push.reason } : null
	};
}

/** Every connected account with its sync state. */
export async function listMailAccounts(ctx: DeskContext): Promise<MailAccountInfo[]> {
	const tx = readTransaction(ctx.db, ['mailAccounts', 'mailSync']);
	const accounts = await mailAccountStore.all(tx);
	const out: MailAccountInfo[] = [];
	for (const account of accounts) out.push(info(ctx, account, await mailSyncStore.ofAccount(tx, account.id)));
	return out;
}

/**
 * Deletes an account's credentials and sync state. The mail already stored stays, and so do
 * the JMAP ids on it: connecting the account again does not store any mail twice.
 * @throws Error NO_ACCOUNT
 */
export async function disconnectMailbox(ctx: DeskContext, id: string): Promise<void> {
	ctx.mailbox.stopping.add(id);
	await withWriteTransaction(ctx.db, ['mailAccounts', 'mailSync', 'logs'], async (tx) => {
		const record = await mailAccountStore.byId(tx, id);
		if (!record) throw new Error(NO_ACCOUNT);
		record.sealedPassword.data.fill(0);
		await mailAccountStore.remove(tx, id);
		await mailSyncStore.remove(tx, id);
		await appendLog(tx, { direction: 'admin', operation: 'mailbox-disconnect', status: 'success', detail: `Disconnected ${id}; its credentials were deleted.`, messageId: null }, ctx.now());
	});
	announce(ctx, ['mailAccounts', 'mailSync', 'logs']);
}

/**
 * A connected client for a stored account.
 * @throws Error NO_ACCOUNT or MAILBOX_VAULT_LOCKED; MailboxError when the server cannot be used
 */
export async function clientFor(ctx: DeskContext, id: string): Promise<{ client: JmapClient; account: MailAccountRecord }> {
	const account = await mailAccountStore.byId(ctx.db, id);
	if (!account) throw new Error(NO_ACCOUNT);
	const key = await sealingKey(ctx);
	if (!key) throw new Error(MAILBOX_VAULT_LOCKED);
	const plain = await unseal(ctx.crypto, key, account.sealedPassword);
	if (!plain) throw new Error(RESEALED);
	const password = new TextDecoder().decode(plain);
	plain.fill(0);
	const client = await JmapClient.connect({ sessionUrl: account.sessionUrl, username: account.username, password, fetch: ctx.fetch, ...(ctx.base !== undefined ? { base: ctx.base } : {}) });
	return { client, account };
}
