// Issue 18: setting, changing and removing the vault passphrase re-seals every stored mailbox
// password in the same transaction as the vault's key material, so accounts keep syncing after
// a change and after lock/unlock; a failure part-way leaves the old vault, keys and passwords.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { mailserver } from './helpers';
import { bobsDesk } from './mails';

const server = mailserver();
const AGENT = { sessionUrl: server.sessionUrl, username: 'agent7', password: server.users.agent7 ?? '' };
const LOCKED = 'Unlock the vault to use the mailbox: its password is sealed with the vault.';

type Put = IDBObjectStore['put'];
const originalPut: Put = IDBObjectStore.prototype.put; // eslint-disable-line @typescript-eslint/unbound-method
afterEach(() => {
	IDBObjectStore.prototype.put = originalPut;
});

/** A put() into `store` throws, as a failing disk would, after the keys were already written in the transaction. */
function failPutInto(store: string): void {
	IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<Put>): IDBRequest<IDBValidKey> {
		if (this.name === store) throw new DOMException('simulated disk failure', 'UnknownError');
		return originalPut.apply(this, args);
	};
}

type Desk = Awaited<ReturnType<typeof bobsDesk>>['desk'];

/** What the re-seal touches, as stored: the vault setting's id, every sealed key, every sealed password. */
async function sealedState(desk: Desk): Promise<string> {
	const db = desk.context.db;
	const vault = (await db.get('settings', 'vault')) as { id?: string } | undefined;
	const keys = (await db.getAll('keys')).map((k) => [k.fingerprint, Buffer.from(k.sealed?.data ?? []).toString('hex')]);
	const accounts = (await db.getAll('mailAccounts')).map((a) => [a.id, Buffer.from(a.sealedPassword.iv).toString('hex'), Buffer.from(a.sealedPassword.data).toString('hex')]);
	return JSON.stringify({ vault: vault?.id, keys, accounts });
}

describe('vault passphrase and mailbox credentials', { timeout: 60_000 }, () => {
	it('setting, changing and removing the passphrase keep the account connecting, through lock and unlock', async () => {
		const { desk } = await bobsDesk();
		const account = await desk.connectMailbox(AGENT);
		// Connected under the device key; then a passphrase is set.
		await desk.setVaultPassphrase(null, 'first passphrase');
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
		await desk.setVaultPassphrase('first passphrase', 'second passphrase');
		await desk.lockVault();
		await expect(desk.syncMailbox(account.id)).rejects.toThrow(LOCKED);
		await expect(desk.unlockVault('first passphrase')).rejects.toThrow('The passphrase is wrong.');
		await desk.unlockVault('second passphrase');
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
		// Sending uses the same credentials: the outbox connects too.
		const sent = await desk.compose({ from: 'bob@sealdesk.test', to: 'alice@sealdesk.test', subject: 'After the change', text: 'x', sign: false, encrypt: false });
		expect(await desk.sendArticle(sent.articleId, account.id)).toMatchObject({ state: 'sent' });
		// Removed: back to a device key, no unlock needed.
		await desk.setVaultPassphrase('second passphrase', null);
		await desk.lockVault();
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
		expect((await desk.listMailAccounts())[0]?.sync.lastSync).toMatchObject({ status: 'success' });
	});

	it('a failure part-way leaves the old passphrase, every sealed key and every password as they were', async () => {
		const { desk } = await bobsDesk();
		await desk.setVaultPassphrase(null, 'old passphrase');
		const account = await desk.connectMailbox(AGENT);
		const before = await sealedState(desk);
		failPutInto('mailAccounts');
		await expect(desk.setVaultPassphrase('old passphrase', 'new passphrase')).rejects.toThrow('The vault passphrase could not be changed. Nothing was changed.');
		IDBObjectStore.prototype.put = originalPut;
		expect(await sealedState(desk)).toBe(before);
		await desk.lockVault();
		await expect(desk.unlockVault('new passphrase')).rejects.toThrow('The passphrase is wrong.');
		await desk.unlockVault('old passphrase');
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
		// And the same change, without the failure, then works.
		await desk.setVaultPassphrase('old passphrase', 'new passphrase');
		expect(await sealedState(desk)).not.toBe(before);
		await desk.lockVault();
		await desk.unlockVault('new passphrase');
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
	});

	it('a password that no longer opened before the change is left as it was and does not block the change', async () => {
		const { desk } = await bobsDesk();
		const account = await desk.connectMailbox(AGENT);
		const db = desk.context.db;
		const record = await db.get('mailAccounts', account.id);
		if (!record) throw new Error('no account');
		const damaged = { ...record, sealedPassword: { iv: new Uint8Array(12), data: new Uint8Array(32).fill(7) } };
		await db.put('mailAccounts', damaged);
		await desk.setVaultPassphrase(null, 'a passphrase');
		expect(Buffer.from((await db.get('mailAccounts', account.id))?.sealedPassword.data ?? []).equals(Buffer.from(damaged.sealedPassword.data))).toBe(true);
		await expect(desk.syncMailbox(account.id)).rejects.toThrow('The mailbox password does not open with the vault key. Connect the account again.');
		await desk.connectMailbox(AGENT);
		await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ accountId: account.id }]);
	});
});
