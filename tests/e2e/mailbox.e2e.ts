/**
 * The mailbox, accepted end to end (issue 18): a throwaway Cyrus (scripts/mailserver.mjs) behind
 * `vite preview`'s /jmap proxy (SEALDESK_JMAP_UPSTREAM), the built app in Chromium connected as
 * bob. Bob's mailbox receives plain, signed and encrypted mail from alice, which become tickets
 * with the right verdicts; the agent's signed and encrypted reply lands in alice's mailbox,
 * where `openssl cms` decrypts and verifies it; offline, a reply is queued and sent once when
 * the browser is back online.
 */
import AxeBuilder from '@axe-core/playwright';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { freePort, startMailServer, type MailServer } from '../../scripts/mailserver.mjs';
import { JmapClient } from '../../src/lib/mailbox/client';
import { aliceToBob, opensslDecryptVerify, PKI } from '../mailbox/smime-mail';
import { expect, test } from './fixtures';
import type { DeskWindow } from './remote';

let server: MailServer;
let preview: ChildProcess;
let origin: string;

test.beforeAll(async () => {
	server = await startMailServer();
	const port = await freePort();
	origin = `http://localhost:${String(port)}`;
	// vite itself, not through npx: SIGTERM to npx left the vite preview under it running.
	preview = spawn(join('node_modules', '.bin', 'vite'), ['preview', '--port', String(port), '--strictPort'], { env: { ...process.env, SEALDESK_JMAP_UPSTREAM: server.origin }, stdio: 'ignore' });
	for (let i = 0; i < 300; i++) {
		const up = await fetch(`${origin}/jmap`).then((r) => r.status, () => 0);
		if (up === 401 || up === 200) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('vite preview with the /jmap proxy did not start');
});

test.afterAll(async () => {
	aliceClient = null;
	preview.kill('SIGTERM');
	await server.stop();
});

let aliceClient: JmapClient | null = null;

/** One session as alice (a new one per look would hold her mailbox lock, which delivery needs, most of the time). */
async function alice(): Promise<JmapClient> {
	aliceClient ??= await JmapClient.connect({ sessionUrl: server.sessionUrl, username: 'alice', password: server.users.alice ?? '', fetch });
	return aliceClient;
}

/** Polls gently: each look holds alice's mailbox lock, which the LMTP delivery needs too. */
const GENTLY = { intervals: [500], timeout: 30_000 };

/** The raw messages with this Message-ID in alice's inbox. */
async function inAlicesInbox(messageId: string): Promise<Uint8Array[]> {
	const client = await alice();
	const inbox = await client.mailboxByRole('inbox');
	const ids = await client.findByMessageId(messageId.replace(/^<|>$/g, ''), inbox?.id);
	const { list } = await client.getEmails(ids);
	return Promise.all(list.map((e) => client.download(e.blobId)));
}

/** S/MIME on, the test PKI (bob's key, alice's certificate, the CAs) and the Support group. */
async function setUpDesk(page: Page): Promise<void> {
	const files = ['chain.pem', 'alice.pem', 'bob.pem', 'bob.key'].map((name) => ({ name, data: readFileSync(join(PKI, name), 'latin1') }));
	await page.waitForFunction(() => 'sealdesk' in window);
	await page.evaluate(async (files) => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		await desk.setEnabled(true);
		for (const file of files) await desk.importFile(file);
		await desk.saveGroup({ name: 'Support', email: 'bob@sealdesk.test', sign: true, encrypt: true });
	}, files);
}

async function replyOn(page: Page, subject: string, text: string): Promise<void> {
	await page.goto(`${origin}/`);
	await page.getByRole('link', { name: subject }).first().click();
	await page.getByRole('button', { name: 'Reply', exact: true }).click();
	const reply = page.getByRole('region', { name: 'Reply' });
	await expect(reply.getByRole('button', { name: 'Sign', exact: true })).toHaveAttribute('aria-pressed', 'true');
	await expect(reply.getByRole('button', { name: 'Encrypt', exact: true })).toHaveAttribute('aria-pressed', 'true');
	await reply.getByLabel('Text').fill(text);
	await reply.getByRole('button', { name: 'Send' }).click();
}

test('bob receives plain, signed and encrypted mail as tickets and replies signed and encrypted over JMAP', async ({ page, requests }) => {
	test.setTimeout(120_000);
	requests.allowOrigin(origin);
	for (const kind of ['plain', 'signed', 'encrypted'] as const) await server.deliver('bob', aliceToBob(kind, `e2e-${kind}@sealdesk.test`, `This is the ${kind} mail.`));

	await page.goto(`${origin}/admin/mailbox`);
	await setUpDesk(page);
	await expect(page.getByLabel('Session URL')).toHaveValue('/jmap');
	await page.getByLabel('User name').fill('bob');
	await page.getByLabel('Password or token').fill('wrong password');
	await page.getByRole('button', { name: 'Test connection' }).click();
	await expect(page.getByTestId('mailbox-error')).toHaveText('The mail server refused the user name or password.');
	await page.getByLabel('Password or token').fill(server.users.bob ?? '');
	await page.getByRole('button', { name: 'Test connection' }).click();
	await expect(page.getByTestId('mailbox-list')).toContainText('Inbox (inbox): 3 mails');
	// The tested account's mailboxes can be chosen from; the Inbox is.
	await expect(page.getByLabel('Mailbox to sync into tickets').locator('option:checked')).toHaveText('Inbox (inbox)');
	await expect(page.getByLabel('Mailbox to sync into tickets').locator('option')).toHaveText(['Inbox (inbox)', 'Drafts (drafts)', 'Sent (sent)', 'Trash (trash)']);
	// The initial sync's "n of N" as the page shows it: pushed by the worker for each stored mail (issue 17).
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { syncSeen: string[] }).syncSeen = seen;
		new MutationObserver(() => {
			for (const label of document.querySelectorAll('[data-testid="sync-progress"] label')) if (seen.at(-1) !== label.textContent) seen.push(label.textContent);
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(page.getByTestId('mailbox-status')).toHaveText('Connected bob at /jmap. Its Inbox syncs into tickets.');
	await expect(page.getByTestId('mailbox-account')).toContainText('up to date');
	// Debian's Cyrus answers its event source with 204: the page says push is down and why, and that the poll carries the mail.
	await expect(page.getByTestId('mailbox-push')).toContainText(/^Push is down, re.*\(the server's event source sends no events: HTTP 204 without content type\)\. New mail still arrives by the poll every 30 seconds\.$/);
	// With the mailbox choice and an account listed, axe finds nothing on the page.
	const { violations } = await new AxeBuilder({ page }).analyze();
	expect(violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
	const progress = await page.evaluate(() => (window as unknown as { syncSeen: string[] }).syncSeen);
	expect(progress.at(-1)).toBe('Syncing the mailbox: 3 of 3');
	await expect(page.getByTestId('sync-progress')).toHaveCount(0);

	// The tickets, with their verdicts.
	await page.goto(`${origin}/`);
	for (const kind of ['plain', 'signed', 'encrypted']) await expect(page.getByRole('link', { name: `${kind} mail` })).toBeVisible();
	const verdicts = await page.evaluate(async () => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		const out: Record<string, string> = {};
		for (const row of await desk.listTickets()) {
			const article = (await desk.getTicket(row.id))?.articles[0];
			if (article) out[article.subject] = `${article.security.sign.status}/${article.security.encryption.status}: ${article.text.trim()}`;
		}
		return out;
	});
	expect(verdicts).toEqual({
		'plain mail': 'none/none: This is the plain mail.',
		'signed mail': 'valid/none: This is the signed mail.',
		'encrypted mail': 'none/decrypted: This is the encrypted mail.'
	});
	await page.getByRole('link', { name: 'signed mail' }).click();
	await expect(page.getByText('This is the signed mail.')).toBeVisible();

	// The reply: signed and encrypted, sent through the outbox, in alice's mailbox.
	await replyOn(page, 'signed mail', 'Thanks Alice, we are on it.');
	await expect(page.getByTestId('delivery')).toHaveAttribute('data-state', 'sent');
	await expect(page.getByTestId('delivery')).toHaveText('Delivered to the mail server and moved to Sent.');
	// The composer says it went out through the mailbox, not that the .eml must be handed on.
	const sentOutcome = page.getByTestId('composer-outcome');
	await expect(sentOutcome).toContainText(/^\s*Sent\.\s+The message was signed and encrypted with AES-\S+\.\s+Delivered to the mail server and moved to Sent\. It is stored on\s+ticket #\d+, where its delivery state is kept up to date\.\s*$/);
	await expect(sentOutcome).not.toContainText('hand the .eml');
	// The log line of the submission follows the delivery state.
	let sentId = '';
	await expect
		.poll(async () => {
			sentId = await page.evaluate(async () => {
				const desk = (window as unknown as DeskWindow).sealdesk;
				const logs = await desk.logs();
				return logs.find((l) => l.operation === 'submit' && l.status === 'success')?.messageId ?? '';
			});
			return sentId;
		})
		.not.toBe('');
	await expect.poll(async () => (await inAlicesInbox(sentId)).length, GENTLY).toBe(1);
	const [arrived] = await inAlicesInbox(sentId);
	expect(opensslDecryptVerify(arrived ?? new Uint8Array())).toContain('Thanks Alice, we are on it.');

	// Sync now keeps the focus; Disconnect asks first, then says what it did, where the focus goes.
	await page.goto(`${origin}/admin/mailbox`);
	const syncNow = page.getByRole('button', { name: /^(Sync now|Syncing…)$/ });
	await syncNow.click();
	await expect(syncNow).toBeFocused();
	await expect(syncNow).toHaveText('Sync now');
	await expect(syncNow).toBeFocused();
	await page.getByRole('button', { name: 'Disconnect bob at /jmap' }).click();
	const confirmation = page.getByRole('dialog');
	await expect(confirmation).toContainText('Disconnect bob at /jmap? Its password is deleted from this browser. Its mail stays in the tickets, and nothing is deleted on the mail server.');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('mailbox-account')).toHaveCount(1);
	await page.getByRole('button', { name: 'Disconnect bob at /jmap' }).click();
	await confirmation.getByRole('button', { name: 'Disconnect' }).click();
	await expect(page.getByTestId('mailbox-status')).toHaveText('Disconnected bob at /jmap. Its credentials were deleted; its mail stays in the tickets.');
	await expect(page.getByTestId('mailbox-status')).toBeFocused();
	await expect(page.getByTestId('mailbox-account')).toHaveCount(0);
});

test('offline, a reply waits in the outbox and is sent once when the browser is back online', async ({ page, context, requests }) => {
	test.setTimeout(120_000);
	requests.allowOrigin(origin);
	await server.deliver('bob', aliceToBob('signed+encrypted', 'e2e-offline@sealdesk.test', 'Are you there?'));
	await page.goto(`${origin}/admin/mailbox`);
	await setUpDesk(page);
	await page.getByLabel('User name').fill('bob');
	await page.getByLabel('Password or token').fill(server.users.bob ?? '');
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(page.getByTestId('mailbox-account')).toContainText('up to date');
	await page.goto(`${origin}/`);
	await expect(page.getByRole('link', { name: 'signed+encrypted mail' })).toBeVisible();

	await page.getByRole('link', { name: 'signed+encrypted mail' }).click();
	await expect(page.getByText('Are you there?')).toBeVisible();
	await page.getByRole('button', { name: 'Reply', exact: true }).click();
	const reply = page.getByRole('region', { name: 'Reply' });
	await reply.getByLabel('Text').fill('Written while offline.');
	// A blind copy to the desk's own address: in the envelope, never in a header.
	await reply.getByLabel('Bcc').fill('bob@sealdesk.test');
	await context.setOffline(true);
	await reply.getByRole('button', { name: 'Send' }).click();
	const queued = page.getByTestId('delivery');
	await expect(queued).toHaveAttribute('data-state', 'queued');
	await expect(queued).toContainText('Queued in the outbox: it is sent when the mail server can be reached. Last try: ');
	await expect(reply.getByTestId('composer-outcome')).toContainText(/^\s*Queued\.\s+The message was signed and encrypted/);
	await context.setOffline(false);
	await expect(queued).toHaveAttribute('data-state', 'sent', { timeout: 20_000 });
	let ids: string[] = [];
	await expect
		.poll(async () => {
			ids = await page.evaluate(async () => {
				const desk = (window as unknown as DeskWindow).sealdesk;
				return (await desk.logs()).filter((l) => l.operation === 'submit' && l.status === 'success').map((l) => l.messageId ?? '');
			});
			return ids.length;
		})
		.toBe(1);
	await expect.poll(async () => (await inAlicesInbox(ids[0] ?? '')).length, GENTLY).toBe(1);
	// Another trigger (focus, the poll) sends nothing more: still one copy.
	await page.evaluate(async () => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		await desk.sendQueued();
	});
	expect(await inAlicesInbox(ids[0] ?? '')).toHaveLength(1);
	// The Bcc: shown on the sent article, delivered to bob, named in no header of the mail.
	await expect(page.locator('dt:text-is("Bcc") + dd')).toHaveText('bob@sealdesk.test');
	const bob = await JmapClient.connect({ sessionUrl: server.sessionUrl, username: 'bob', password: server.users.bob ?? '', fetch });
	const bobsInbox = await bob.mailboxByRole('inbox');
	let blind: string[] = [];
	await expect
		.poll(async () => {
			const { list } = await bob.getEmails(await bob.findByMessageId((ids[0] ?? '').replace(/^<|>$/g, ''), bobsInbox?.id));
			blind = await Promise.all(list.map(async (e) => Buffer.from(await bob.download(e.blobId)).toString('latin1')));
			return blind.length;
		}, GENTLY)
		.toBe(1);
	const headers = (blind[0] ?? '').slice(0, (blind[0] ?? '').indexOf('\r\n\r\n'));
	expect(headers).toMatch(/^To: alice@sealdesk\.test/m);
	expect(headers).not.toMatch(/^Bcc:/im);
});
