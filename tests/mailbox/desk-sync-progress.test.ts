// Issue 17 point 6: the initial sync's "n of N" reaches the page as the worker's typed 'progress'
// messages, pushed as each mail is stored, instead of the page polling mailboxProgress(). The
// worker's dispatcher and the page's client are joined by a MessageChannel over a real desk,
// syncing from the run's Cyrus (agent12's mailbox is this file's alone).
import 'fake-indexeddb/auto';
import { afterEach, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openDesk } from '../../src/lib/desk/desk';
import type { SyncProgress } from '../../src/lib/desk/mailbox-sync';
import { wiredDesk, type Wired } from '../security/rpc-helpers';
import { deliver, mailserver } from './helpers';
import { aliceToBob } from './mails';

let wired: Wired | null = null;
afterEach(() => {
	wired?.close();
	wired = null;
});

it('pushes the progress of every stored mail to the page, then an empty list when the sync ends', async () => {
	for (let i = 0; i < 5; i++) await deliver('agent12', aliceToBob('plain', `progress-${String(i)}@sealdesk.test`));
	const server = mailserver();
	wired = await wiredDesk();
	const polled = vi.spyOn(wired.desk, 'mailboxProgress');
	const account = await wired.client.desk.connectMailbox({ sessionUrl: server.sessionUrl, username: 'agent12', password: server.users.agent12 ?? '' });
	const seen: SyncProgress[][] = [];
	const unfollow = wired.client.onMailboxProgress((progress) => seen.push(progress));
	const [result] = await wired.client.desk.syncMailbox(account.id);
	unfollow();
	expect(result).toMatchObject({ stored: 5, skipped: 0, stopped: false });
	// The notices arrive before the call's result: the last one, the end of the sync, is already here.
	expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((done) => [{ accountId: account.id, done, total: 5 }]).concat([[]]));
	expect(polled).not.toHaveBeenCalled();
	// A later sync (changes only, nothing new) reports no initial-sync progress, only its end.
	const again: SyncProgress[][] = [];
	wired.client.onMailboxProgress((progress) => again.push(progress));
	await wired.client.desk.syncMailbox(account.id);
	expect(again).toEqual([[]]);
});

it('a listener that throws does not stop the sync it watches', async () => {
	for (let i = 0; i < 2; i++) await deliver('agent11', aliceToBob('plain', `progress-throw-${String(i)}@sealdesk.test`));
	const server = mailserver();
	let calls = 0;
	const desk = await openDesk({
		indexedDB: new IDBFactory(),
		onMailboxProgress: () => {
			calls++;
			throw new Error('listener broke');
		}
	});
	const account = await desk.connectMailbox({ sessionUrl: server.sessionUrl, username: 'agent11', password: server.users.agent11 ?? '' });
	await expect(desk.syncMailbox(account.id)).resolves.toMatchObject([{ stored: 2, stopped: false }]);
	expect(calls).toBe(4);
	await desk.close();
});
