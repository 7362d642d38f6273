/**
 * desk.receive / desk.retry as the app uses them: S/MIME off then retry, retry after keys are
 * added, strict key custody, the locked vault, threading, the ticket reads, the log, and the
 * signer capabilities recorded for the composer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { capabilitiesOf } from '../../src/lib/desk/certificates';
import { PKI } from '../smime/helpers';
import { cms, content, encryptTo, loadPki, signAs, withHeaders } from '../smime/mail';
import { freshDesk } from './receive-helpers';

const now = (): Date => new Date();

describe('retry', () => {
	test('a mail received while S/MIME is off is stored unprocessed; retry after enabling verifies it', async () => {
		const { desk } = await freshDesk({ enabled: false, now: now() });
		const mail = withHeaders(cms(signAs('alice'), content('before setup')));
		const a = await desk.receive(mail);
		expect(a.security.sign).toEqual({ status: 'none', comment: 'S/MIME is turned off, so the message was not verified.' });
		expect(a.security.encryption).toEqual({ status: 'none', comment: 'S/MIME is turned off, so the message was not decrypted.' });
		expect(a.text).toContain('before setup');
		expect(a.processedAt).toBeUndefined();
		await desk.setEnabled(true);
		await loadPki(desk, []);
		const b = await desk.retry(a.id);
		expect(b.id).toBe(a.id);
		expect(b.security.sign.status).toBe('valid');
		expect(b.processedAt).toBeDefined();
		expect((await desk.getArticle(a.id))?.security.sign.status).toBe('valid');
	});

	test('an encrypted mail without the key: no-key; after the key is imported, retry decrypts it', async () => {
		const { desk } = await freshDesk({ now: now() });
		const a = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('retry me'))));
		expect(a.security.encryption.status).toBe('no-key');
		expect(a.text).toBe('');
		await loadPki(desk, ['bob'], []);
		const b = await desk.retry(a.id);
		expect(b.security.encryption.status).toBe('decrypted');
		expect(b.text).toContain('retry me');
		const raw = await desk.articleRaw(a.id);
		expect(raw && new TextDecoder().decode(raw)).toContain('application/pkcs7-mime');
	});

	test('retry of an unknown article rejects with a sentence', async () => {
		const { desk } = await freshDesk();
		await expect(desk.retry(999)).rejects.toThrow('No article has this id.');
	});
});

describe('key custody', () => {
	test('strict key custody: RSA PKCS#1 v1.5 mail fails with the strict-custody sentence, RSA-OAEP still opens', async () => {
		const { desk } = await freshDesk({ now: now() });
		await loadPki(desk, ['bob'], []);
		await desk.setStrictKeyCustody(true);
		const legacy = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('legacy'))));
		expect(legacy.security.encryption).toEqual({ status: 'failed', comment: 'The sender used RSA PKCS#1 v1.5, which strict key custody does not allow.' });
		expect(legacy.text).toBe('');
		const oaep = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256', '-keyopt', 'rsa_padding_mode:oaep'], content('oaep'))));
		expect(oaep.security.encryption.status).toBe('decrypted');
	});

	test('a locked vault: the RSA PKCS#1 v1.5 mail asks for the vault; after unlocking, retry decrypts', async () => {
		const { desk } = await freshDesk({ now: now() });
		await loadPki(desk, ['bob'], []);
		await desk.setVaultPassphrase(null, 'vault passphrase');
		await desk.lockVault();
		const a = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('vault'))));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: 'The key vault is locked. Unlock it and retry to decrypt this message.' });
		await desk.unlockVault('vault passphrase');
		const b = await desk.retry(a.id);
		expect(b.security.encryption.status).toBe('decrypted');
		expect(b.text).toContain('vault');
	});
});

describe('tickets', () => {
	test('replies thread onto the ticket by In-Reply-To and References; others open new tickets', async () => {
		const { desk } = await freshDesk({ now: now() });
		const first = await desk.receive('From: Carol <carol@example.test>\r\nSubject: Printer\r\nMessage-ID: <m1@example.test>\r\n\r\nIt is broken.\r\n');
		const reply = await desk.receive('From: carol@example.test\r\nSubject: Re: Printer\r\nMessage-ID: <m2@example.test>\r\nIn-Reply-To: <m1@example.test>\r\n\r\nStill broken.\r\n');
		const later = await desk.receive('From: carol@example.test\r\nSubject: Re: Printer\r\nMessage-ID: <m3@example.test>\r\nReferences: <m1@example.test> <m2@example.test>\r\n\r\nFixed.\r\n');
		const other = await desk.receive('From: dan@example.test\r\nSubject: New laptop\r\nMessage-ID: <x1@example.test>\r\n\r\nHello.\r\n');
		expect(reply.ticketId).toBe(first.ticketId);
		expect(later.ticketId).toBe(first.ticketId);
		expect(other.ticketId).not.toBe(first.ticketId);
		const ticket = await desk.getTicket(first.ticketId);
		expect(ticket).toMatchObject({ subject: 'Printer', customer: 'carol@example.test', articleCount: 3 });
		expect(ticket?.articles.map((a) => a.text.trim())).toEqual(['It is broken.', 'Still broken.', 'Fixed.']);
		expect(ticket?.articles[0]).toMatchObject({ from: { name: 'Carol', address: 'carol@example.test' }, messageId: '<m1@example.test>', direction: 'in' });
		expect((await desk.listTickets()).map((t) => t.id).sort()).toEqual([first.ticketId, other.ticketId].sort());
		expect(await desk.getTicket(12345)).toBeNull();
		expect(await desk.getArticle(12345)).toBeNull();
	});

	test('threading looks Message-IDs up by index: a mail naming two tickets joins the older, and no ticket list is read', async () => {
		const { desk } = await freshDesk({ now: now() });
		const older = await desk.receive('From: carol@example.test\r\nSubject: Printer\r\nMessage-ID: <m1@example.test>\r\n\r\nBroken.\r\n');
		const newer = await desk.receive('From: dan@example.test\r\nSubject: Laptop\r\nMessage-ID: <x1@example.test>\r\n\r\nHello.\r\n');
		const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
		try {
			// The newest reference is tried first, but the older ticket wins, as before the index.
			const both = await desk.receive('From: carol@example.test\r\nSubject: Re\r\nMessage-ID: <b1@example.test>\r\nReferences: <m1@example.test> <x1@example.test>\r\n\r\nBoth.\r\n');
			expect(both.ticketId).toBe(older.ticketId);
			const own = await desk.receive('From: dan@example.test\r\nSubject: Again\r\nMessage-ID: <x1@example.test>\r\n\r\nResent.\r\n');
			expect(own.ticketId).toBe(newer.ticketId);
			expect(getAll.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'tickets')).toEqual([]);
		} finally {
			getAll.mockRestore();
		}
		expect((await desk.getTicket(older.ticketId))?.articleCount).toBe(2);
	});

	test('an article keeps its HTML and attachments; bytes come on request', async () => {
		const { desk } = await freshDesk({ now: now() });
		const mail =
			'From: a@example.test\r\nSubject: att\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n' +
			'--b\r\nContent-Type: text/html\r\n\r\n<p>Hi <b>there</b></p>\r\n' +
			'--b\r\nContent-Type: application/pdf; name=x.pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n';
		const a = await desk.receive(mail);
		expect(a.html).toContain('<b>there</b>');
		expect(a.attachments).toEqual([{ index: 0, name: 'x.pdf', type: 'application/pdf', size: 9 }]);
		expect(new TextDecoder().decode((await desk.getAttachment(a.id, 0)) ?? new Uint8Array())).toBe('%PDF-1.4\n');
		expect(await desk.getAttachment(a.id, 1)).toBeNull();
	});
});

describe('log and capabilities', () => {
	test('every receive and retry writes an incoming log entry with the operation, status, detail and Message-ID', async () => {
		const { desk } = await freshDesk({ now: now() });
		await loadPki(desk, ['bob']);
		const signed = cms(signAs('alice'), content('logged'));
		const a = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], signed), { extra: '' }));
		// Learning alice's certificate from the valid mail is logged on its own (issue 15); here only the receive entries count.
		const receiveLogs = async (): Promise<Awaited<ReturnType<typeof desk.logs>>> => (await desk.logs()).filter((l) => l.operation !== 'learn-certificate');
		const [first] = await receiveLogs();
		expect(first).toMatchObject({ direction: 'in', operation: 'verify+decrypt', status: 'success', messageId: a.messageId });
		expect(first?.detail).toContain('Sign: valid.');
		expect(first?.detail).toContain('Encryption: decrypted.');
		// The signer's subject, a comment without a full stop, is a sentence of its own in the line.
		expect(first?.detail).toMatch(/^Sign: valid\. \S.*[^.]\. Encryption: decrypted\. /);
		await desk.retry(a.id);
		const [second] = await receiveLogs();
		expect(second).toMatchObject({ direction: 'in', operation: 'verify+decrypt', status: 'success', messageId: a.messageId });
		expect(second?.detail.startsWith('Retry.')).toBe(true);
		await desk.receive(withHeaders(cms(signAs('alice'), content('x')), { from: 'mallory@evil.test' }));
		expect((await receiveLogs())[0]).toMatchObject({ operation: 'verify', status: 'failed' });
		expect((await receiveLogs()).filter((l) => l.direction === 'in')).toHaveLength(3);
	});

	test('the SMIMECapabilities of a valid signature are recorded for the stored signer certificate only', async () => {
		const { desk } = await freshDesk({ now: now() });
		await desk.importFile({ name: 'root', data: readFileSync(join(PKI, 'root-ca.pem'), 'utf8') });
		const summary = await desk.importFile({ name: 'alice', data: readFileSync(join(PKI, 'alice.pem'), 'utf8') });
		const alice = summary.certificates[0]?.fingerprint ?? '';
		expect(await capabilitiesOf(desk.context, alice)).toBeNull();
		await desk.receive(withHeaders(cms(signAs('alice'), content('caps'))));
		const caps = (await capabilitiesOf(desk.context, alice)) as { oid: string }[] | null;
		expect(caps?.map((c) => c.oid)).toContain('2.16.840.1.101.3.4.1.42');
		// carol's signed mail chains to the root and is valid: since issue 15 her certificate (and the
		// intermediate CA from the mail) are kept as learned from mail, with her capabilities.
		await desk.receive(withHeaders(cms(signAs('carol'), content('caps')), { from: 'carol@sealdesk.test' }));
		const stored = await desk.listCertificates();
		expect(stored.map((c) => `${c.emails[0] ?? 'ca'} ${c.source ?? ''}`).sort()).toEqual(['alice@sealdesk.test import', 'ca import', 'ca mail', 'carol@sealdesk.test mail']);
		const carol = stored.find((c) => c.emails.includes('carol@sealdesk.test'))?.fingerprint ?? '';
		expect(((await capabilitiesOf(desk.context, carol)) as { oid: string }[] | null)?.length).toBeGreaterThan(0);
	});
});
