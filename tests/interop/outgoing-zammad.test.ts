/**
 * Sending against Zammad's fixtures and expectations (vectors/zammad/README.md §3, §6.1), and
 * with OpenSSL as the peer whose capabilities we learn.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { DraftError } from '../../src/lib/smime/outgoing-draft';
import { deskWith, NOW, openssl, PKI, put, tempDir } from './outgoing-helpers';

const ZAMMAD = new URL('../../../shared/vectors/zammad/', import.meta.url).pathname;

async function zammadDesk(files: { cert: string; key?: boolean }[]): Promise<Desk> {
	const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'zammad-out', now: () => NOW });
	await desk.setEnabled(true);
	for (const f of files) {
		await desk.importFile({ name: `${f.cert}.crt`, data: new Uint8Array(readFileSync(join(ZAMMAD, `${f.cert}.crt`))) });
		if (f.key) await desk.importFile({ name: `${f.cert}.key`, data: new Uint8Array(readFileSync(join(ZAMMAD, `${f.cert}.key`))), passphrase: '1234' });
	}
	return desk;
}

describe('Zammad fixtures', () => {
	test('chain@example.com signs: the signature carries chain@ + IntermediateCA + RootCA, and openssl verifies against RootCA', async () => {
		const desk = await zammadDesk([{ cert: 'RootCA' }, { cert: 'IntermediateCA' }, { cert: 'chain@example.com', key: true }]);
		const options = await desk.securityOptions({ from: 'chain@example.com', to: ['smime1@example.com'] });
		expect(options.sign).toEqual({ possible: true, comment: 'The certificate for chain@example.com was found.', default: true });
		expect(options.encrypt).toEqual({ possible: false, comment: 'The certificate for smime1@example.com was not found.', default: false });
		const sent = await desk.compose({ from: 'Zammad Helpdesk <chain@example.com>', to: 'smime1@example.com', subject: 'Chain', text: 'Some text' });
		expect(sent).toMatchObject({ signed: true, encrypted: false });
		const dir = tempDir();
		const mail = put(dir, 'mail.eml', sent.raw);
		openssl(['smime', '-verify', '-in', mail, '-CAfile', join(ZAMMAD, 'RootCA.crt'), '-out', join(dir, 'out.eml')]);
		const p7 = put(dir, 'sig.pem', openssl(['smime', '-pk7out', '-in', mail]));
		const subjects = new TextDecoder().decode(openssl(['pkcs7', '-in', p7, '-print_certs', '-noout'])).split('\n').filter((l) => l.startsWith('subject='));
		expect(subjects).toHaveLength(3);
		expect(subjects.join('\n')).toContain('chain@example.com');
		expect(subjects.join('\n')).toContain('IntermediateCA@example.com');
		expect(subjects.join('\n')).toContain('RootCA@example.com');
	});

	test('expired certificates: signing and encrypting are refused with the sentence, as Zammad raises', async () => {
		const desk = await zammadDesk([{ cert: 'expiredsmime1@example.com', key: true }, { cert: 'expiredsmime2@example.com' }, { cert: 'smime1@example.com', key: true }]);
		const options = await desk.securityOptions({ from: 'expiredsmime1@example.com', to: ['expiredsmime1@example.com'] });
		expect(options.sign.comment).toBe('The certificate for expiredsmime1@example.com was found, but it is not valid yet or has expired.');
		expect(options.encrypt.comment).toBe('The certificate for expiredsmime1@example.com was found, but it is not valid yet or has expired.');
		await expect(desk.compose({ from: 'expiredsmime1@example.com', to: 'smime1@example.com', text: 'x', sign: true, encrypt: false })).rejects.toThrow(DraftError);
		await expect(desk.compose({ from: 'smime1@example.com', to: 'expiredsmime2@example.com', text: 'x', sign: true, encrypt: true })).rejects.toThrow(
			'The certificate for expiredsmime2@example.com was found, but it is not valid yet or has expired.'
		);
		const failed = (await desk.logs()).filter((l) => l.direction === 'out' && l.status === 'failed');
		expect(failed).toHaveLength(2);
	});

	test('smime1 (RSA 4096, legacy encrypted key) to the upper-cased address of CaseInsenstive@eXample.COM: found, encrypted, and openssl decrypts', async () => {
		const desk = await zammadDesk([{ cert: 'RootCA' }, { cert: 'IntermediateCA' }, { cert: 'smime1@example.com', key: true }, { cert: 'CaseInsenstive@eXample.COM' }]);
		const sent = await desk.compose({ from: 'SMIME1@example.com', to: 'CaseInsenStive@Example.coM', subject: 'Case', text: 'Some text' });
		expect(sent).toMatchObject({ signed: true, encrypted: true });
		const dir = tempDir();
		const inner = put(dir, 'inner.eml', openssl(['cms', '-decrypt', '-in', put(dir, 'mail.eml', sent.raw), '-recip', join(ZAMMAD, 'smime1@example.com.crt'), '-inkey', join(ZAMMAD, 'smime1@example.com.key'), '-passin', 'pass:1234']));
		const content = new TextDecoder().decode(openssl(['cms', '-verify', '-in', inner, '-CAfile', join(ZAMMAD, 'RootCA.crt')]));
		expect(content).toContain('Some text=');
	});
});

describe('OpenSSL as the peer', () => {
	test('a mail signed by `openssl smime -sign` teaches OpenSSL\'s capabilities (no GCM, no OAEP): the answer is CBC with PKCS#1 v1.5', async () => {
		const dir = tempDir();
		const body = put(dir, 'body.txt', 'Content-Type: text/plain\r\n\r\nHello from OpenSSL\r\n');
		const signed = openssl(['smime', '-sign', '-in', body, '-signer', join(PKI, 'bob.pem'), '-inkey', join(PKI, 'bob.key'), '-certfile', join(PKI, 'chain.pem'), '-from', 'bob@sealdesk.test', '-to', 'alice@sealdesk.test', '-subject', 'Hi']);
		const alice = await deskWith(['alice', 'bob'], ['alice']);
		const article = await alice.receive(signed);
		expect(article.security.sign.status).toBe('valid');
		const bob = (await alice.listCertificates()).find((c) => c.emails.includes('bob@sealdesk.test'));
		const caps = (await alice.context.db.get('certificates', bob?.fingerprint ?? ''))?.capabilities;
		expect(Array.isArray(caps) && caps.length > 0).toBe(true);
		const sent = await alice.compose({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'Re: Hi', text: 'Hello OpenSSL', ticketId: article.ticketId });
		expect(sent.contentEncryption).toBe('AES-256-CBC');
		expect(sent.ticketId).toBe(article.ticketId);
		const printed = new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', put(dir, 'mail.eml', sent.raw)]));
		expect(printed).toContain('aes-256-cbc');
		expect(printed).toContain('algorithm: rsaEncryption');
		const inner = openssl(['smime', '-decrypt', '-in', put(dir, 'mail2.eml', sent.raw), '-recip', join(PKI, 'bob.pem'), '-inkey', join(PKI, 'bob.key')]);
		expect(new TextDecoder().decode(openssl(['smime', '-verify', '-in', put(dir, 'inner.eml', inner), '-CAfile', join(PKI, 'root-ca.pem')]))).toContain('Hello OpenSSL');
	});
});
