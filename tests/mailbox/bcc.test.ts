// Bcc (issue 18): blind copies go into the submission's envelope and, when the mail is encrypted,
// get a RecipientInfo of their own (as Thunderbird does: its MimeMessage passes To, Cc and Bcc to
// the S/MIME encoder), so each can read it; but no header of the message names them, not in the
// bytes sent, not in the stored copy, not in a downloaded .eml.
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import type { FetchLike } from '../../src/lib/mailbox';
import { connectAs, eventually, mailserver } from './helpers';
import { PKI } from './smime-mail';

const NOW = new Date('2026-12-01T10:00:00Z');

/** alice's helpdesk: her key, the CA chain, and the certificates of bob and carol. */
async function alicesDesk(fetchFn?: FetchLike): Promise<Desk> {
	const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'bcc', now: () => NOW, ...(fetchFn ? { fetch: fetchFn } : {}) });
	await desk.setEnabled(true);
	for (const file of ['chain.pem', 'alice.pem', 'alice.key', 'bob.pem', 'carol.pem']) await desk.importFile({ name: file, data: new Uint8Array(readFileSync(join(PKI, file))) });
	return desk;
}

/** The header block of a message (up to the first empty line), unfolded. */
function headerBlock(raw: Uint8Array): string {
	const text = Buffer.from(raw).toString('latin1');
	return text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
}

/** openssl cms -decrypt with one test user's key: the decrypted entity, or throws. */
function opensslDecrypt(raw: Uint8Array, user: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-bcc-'));
	const input = join(dir, 'in.eml');
	writeFileSync(input, raw);
	return execFileSync('openssl', ['cms', '-decrypt', '-in', input, '-recip', join(PKI, `${user}.pem`), '-inkey', join(PKI, `${user}.key`)], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
}

describe('Bcc in the composer', () => {
	it('encrypts for the Bcc recipient too, while no header of the message, stored or downloaded, names them', async () => {
		const desk = await alicesDesk();
		const sent = await desk.compose({ from: 'alice@sealdesk.test', to: 'carol@sealdesk.test', bcc: 'Bob <bob@sealdesk.test>', subject: 'Blind', text: 'For carol, and bob blindly.', sign: true, encrypt: true });
		const headers = headerBlock(sent.raw);
		expect(headers).toMatch(/^To: carol@sealdesk\.test$/m);
		expect(headers).not.toMatch(/^Bcc:/im);
		expect(headers).not.toContain('bob@');
		// A RecipientInfo each for carol, bob (Bcc) and alice (the sender's copy): openssl opens it with each key.
		expect(opensslDecrypt(sent.raw, 'bob')).toContain('For carol, and bob blindly.');
		expect(opensslDecrypt(sent.raw, 'carol')).toContain('For carol, and bob blindly.');
		expect(opensslDecrypt(sent.raw, 'alice')).toContain('For carol, and bob blindly.');
		expect(sent.recipients).toHaveLength(3);
		// The agent sees the Bcc on the article; the .eml (the stored bytes) has none.
		const article = await desk.getArticle(sent.articleId);
		expect(article?.bcc).toEqual([{ name: 'Bob', address: 'bob@sealdesk.test' }]);
		expect(article?.to.map((a) => a.address)).toEqual(['carol@sealdesk.test']);
		const downloaded = await desk.articleRaw(sent.articleId);
		expect(Buffer.from(downloaded ?? new Uint8Array()).equals(Buffer.from(sent.raw))).toBe(true);
		expect((await desk.logs())[0]?.detail).toContain('alice@sealdesk.test -> carol@sealdesk.test (Bcc: bob@sealdesk.test)');
	});

	it('needs a certificate for a Bcc recipient to encrypt, as for To and Cc', async () => {
		const desk = await alicesDesk();
		const options = await desk.securityOptions({ from: 'alice@sealdesk.test', to: 'carol@sealdesk.test', bcc: 'nobody@sealdesk.test' });
		expect(options.encrypt).toMatchObject({ possible: false, comment: 'The certificates for nobody@sealdesk.test were not found.' });
		await expect(desk.compose({ from: 'alice@sealdesk.test', to: 'carol@sealdesk.test', bcc: 'nobody@sealdesk.test', subject: 'x', text: 'x', encrypt: true })).rejects.toThrow(
			'The certificates for nobody@sealdesk.test were not found.'
		);
		await expect(desk.compose({ from: 'alice@sealdesk.test', bcc: 'not an address', subject: 'x', text: 'x' })).rejects.toThrow('The address "not an address" is not valid.');
	});

	it('writes To: undisclosed-recipients:; when there are only blind copies, and drops a Bcc that is also in To', async () => {
		const desk = await alicesDesk();
		const only = await desk.compose({ from: 'alice@sealdesk.test', bcc: 'bob@sealdesk.test, carol@sealdesk.test', subject: 'Only blind', text: 'x', sign: false, encrypt: true });
		const headers = headerBlock(only.raw);
		expect(headers).toMatch(/^To: undisclosed-recipients:;$/m);
		expect(headers).not.toMatch(/^Cc:/im);
		expect(headers).not.toMatch(/bob@|carol@/);
		expect(opensslDecrypt(only.raw, 'carol')).toContain('Content-Type: text/plain');
		expect((await desk.getArticle(only.articleId))?.to).toEqual([]);
		const twice = await desk.compose({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', bcc: 'BOB@sealdesk.test', subject: 'Twice', text: 'x', sign: false, encrypt: false });
		expect((await desk.getArticle(twice.articleId))?.bcc).toBeUndefined();
	});
});

describe('Bcc through the mail server', { timeout: 60_000 }, () => {
	it('puts the Bcc recipient in the envelope: the mail reaches bob without naming him, and he can decrypt it', async () => {
		const server = mailserver();
		const submissions: unknown[] = [];
		const spy: FetchLike = (url, init) => {
			if (typeof init?.body === 'string' && init.body.includes('EmailSubmission/set')) submissions.push(JSON.parse(init.body));
			return fetch(url, init);
		};
		const desk = await alicesDesk(spy);
		await desk.connectMailbox({ sessionUrl: server.sessionUrl, username: 'alice', password: server.users.alice ?? '' });
		const sent = await desk.compose({ from: 'alice@sealdesk.test', to: 'carol@sealdesk.test', bcc: 'bob@sealdesk.test', subject: 'Blind over JMAP', text: 'Bob reads this blindly.', sign: true, encrypt: true });
		expect(await desk.sendArticle(sent.articleId)).toMatchObject({ state: 'sent' });
		const envelope = JSON.stringify(submissions);
		expect(envelope).toContain('"rcptTo":[{"email":"carol@sealdesk.test"},{"email":"bob@sealdesk.test"}]');
		const messageId = sent.messageId.replace(/^<|>$/g, '');
		const arrived = async (user: string): Promise<Uint8Array> => {
			const client = await connectAs(user);
			const inbox = await client.mailboxByRole('inbox');
			return eventually(async () => {
				const { list } = await client.getEmails(await client.findByMessageId(messageId, inbox?.id));
				const email = list[0];
				return email ? client.download(email.blobId) : undefined;
			});
		};
		const bobs = await arrived('bob');
		const carols = await arrived('carol');
		for (const copy of [bobs, carols]) {
			expect(headerBlock(copy)).not.toMatch(/^Bcc:/im);
			// What was sent is the desk's bytes unchanged, after the server's trace headers.
			expect(Buffer.from(copy).subarray(copy.length - sent.raw.length).equals(Buffer.from(sent.raw))).toBe(true);
		}
		expect(headerBlock(carols)).not.toContain('bob@');
		expect(opensslDecrypt(bobs, 'bob')).toContain('Bob reads this blindly.');
		// The copy in alice's Sent is the same bytes: no Bcc header there either.
		const alice = await connectAs('alice');
		const sentBox = await alice.mailboxByRole('sent');
		const { list } = await alice.getEmails(await alice.findByMessageId(messageId, sentBox?.id));
		expect(list).toHaveLength(1);
		expect(headerBlock(await alice.download(list[0]?.blobId ?? ''))).not.toMatch(/^Bcc:|bob@/im);
	});
});
