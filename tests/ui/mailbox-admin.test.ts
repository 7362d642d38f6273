/**
 * The admin page's Mailbox section: after a test, the agent chooses which mailbox syncs into
 * tickets (the Inbox by default); the choice is sent with Connect only for the session URL and
 * user name it was listed for.
 */
import { expect, test, vi } from 'vitest';

const connected: Record<string, unknown>[] = [];
let answer: Promise<void> = Promise.resolve();
const mailboxes = [
	{ id: 'M-sent', name: 'Sent', parentId: null, role: 'sent', totalEmails: 2, unreadEmails: 0 },
	{ id: 'M-inbox', name: 'Inbox', parentId: null, role: 'inbox', totalEmails: 5, unreadEmails: 1 },
	{ id: 'M-support', name: 'Support', parentId: null, role: null, totalEmails: 9, unreadEmails: 3 }
];

vi.mock('$lib/ui/desk-client', () => ({
	desk: {
		testMailbox: async () => {
			await answer;
			return { mailboxes };
		},
		connectMailbox: (credentials: Record<string, unknown>) => {
			connected.push(credentials);
			return Promise.resolve({ id: `${String(credentials.username)} at /jmap`, mailboxName: mailboxes.find((m) => m.id === credentials.mailboxId)?.name ?? 'Inbox' });
		},
		listMailAccounts: () => Promise.resolve([])
	},
	deskChanges: () => () => undefined,
	onMailboxProgress: () => () => undefined
}));
vi.mock('$lib/ui/mailbox/mailbox-sync.svelte', () => ({ mailboxSync: { syncNow: () => Promise.resolve() } }));

const { MailboxAdmin } = await import('../../src/lib/ui/mailbox/mailbox-admin.svelte');

test('no choice before a test: Connect sends no mailbox, and the desk syncs the Inbox', async () => {
	const admin = new MailboxAdmin();
	admin.username = 'bob';
	admin.password = 'pw';
	expect(admin.choosing).toBe(false);
	await admin.connect();
	expect(connected.at(-1)).toEqual({ sessionUrl: '/jmap', username: 'bob', password: 'pw' });
});

test('a test lists the mailboxes and chooses the Inbox; another chosen is sent with Connect', async () => {
	const admin = new MailboxAdmin();
	admin.username = 'bob';
	admin.password = 'pw';
	await admin.test();
	expect(admin.choosing).toBe(true);
	expect(admin.mailboxId).toBe('M-inbox');
	expect(admin.choices.map((m) => m.name)).toEqual(['Inbox', 'Sent', 'Support']);
	admin.mailboxId = 'M-support';
	await admin.connect();
	expect(connected.at(-1)).toEqual({ sessionUrl: '/jmap', username: 'bob', password: 'pw', mailboxId: 'M-support' });
	expect(admin.message).toBe('Connected bob at /jmap. Its Support syncs into tickets.');
});

test('another user name or session URL than the one tested drops the choice', async () => {
	const admin = new MailboxAdmin();
	admin.username = 'bob';
	admin.password = 'pw';
	await admin.test();
	admin.mailboxId = 'M-support';
	admin.username = 'alice';
	expect(admin.choosing).toBe(false);
	admin.password = 'pw2';
	await admin.connect();
	expect(connected.at(-1)).toEqual({ sessionUrl: '/jmap', username: 'alice', password: 'pw2' });
	admin.username = 'bob';
	admin.sessionUrl = 'https://elsewhere.example/jmap';
	expect(admin.choosing).toBe(false);
	// Spaces around the user name do not count (the desk trims them too).
	admin.sessionUrl = '/jmap';
	admin.username = ' bob ';
	expect(admin.choosing).toBe(true);
});

test('the mailboxes belong to the account tested, even when the fields are edited while the test runs', async () => {
	const admin = new MailboxAdmin();
	admin.username = 'bob';
	admin.password = 'pw';
	let release: () => void = () => undefined;
	answer = new Promise((r) => (release = r));
	const testing = admin.test();
	admin.username = 'alice';
	release();
	await testing;
	answer = Promise.resolve();
	expect(admin.mailboxes).toHaveLength(3);
	expect(admin.choosing).toBe(false);
	admin.username = 'bob';
	expect(admin.choosing).toBe(true);
});
