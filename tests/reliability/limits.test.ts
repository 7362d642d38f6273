/**
 * Limits (issue 9), each with a clear sentence: nesting depth, certificates bundled per
 * message (over 20 refused, fail closed), message size (configurable, 50 MB by default), and
 * decoded size against input size (base64 and BER bombs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { DEFAULT_MAX_SIZE, MAX_LEVELS } from '../../src/lib/smime/incoming';
import { MAX_UNTRUSTED } from '../../src/lib/pki/chain';
import { TOO_DEEP, TOO_LARGE } from '../../src/lib/smime/comments';
import { decodeBase64 } from '../../src/lib/mime/bytes';
import { cms, content, signAs, withHeaders } from '../smime/mail';
import { p7mMail } from '../smime/envelope-edit';
import { PKI, tmpFile } from '../smime/helpers';
import { freshDesk } from '../desk/receive-helpers';

let desk: Desk;
beforeAll(async () => {
	desk = (await freshDesk({ now: new Date('2026-11-29T12:00:00Z') })).desk;
	await desk.importFile({ name: 'root-ca.pem', data: readFileSync(join(PKI, 'root-ca.pem'), 'utf8') });
});

function nested(levels: number, inner: string): Uint8Array {
	let entity = inner;
	for (let i = 0; i < levels; i++) entity = `Content-Type: multipart/mixed; boundary="b${String(i)}"\r\n\r\n--b${String(i)}\r\n${entity}\r\n--b${String(i)}--\r\n`;
	return withHeaders(`MIME-Version: 1.0\r\n${entity}`);
}

describe('nesting depth', () => {
	test(`${String(MAX_LEVELS)} nested containers are refused with "${TOO_DEEP}"`, async () => {
		const a = await desk.receive(nested(MAX_LEVELS + 2, content('deep')));
		expect(a.security.sign.comment).toBe(TOO_DEEP);
		expect(a.security.encryption.comment).toBe(TOO_DEEP);
	});

	test('a signature inside too many containers is not verified either', async () => {
		const signed = new TextDecoder().decode(cms(signAs('alice'), content('deep signed')));
		const a = await desk.receive(nested(MAX_LEVELS + 2, signed));
		expect(a.security.sign.comment).toBe(TOO_DEEP);
	});

	test('5,000 levels are answered quickly and stored', async () => {
		const started = performance.now();
		const a = await desk.receive(nested(5000, content('very deep')));
		expect(performance.now() - started).toBeLessThan(2000);
		expect(a.security.sign.comment).toBe(TOO_DEEP);
		expect(await desk.getArticle(a.id)).not.toBeNull();
	});
});

describe('certificates bundled per message', () => {
	test(`more than ${String(MAX_UNTRUSTED)} bundled certificates: untrusted with the reason, even though the chain is there`, async () => {
		const extra: string[] = [];
		for (let i = 0; i < MAX_UNTRUSTED; i++) {
			const key = tmpFile('', 'key');
			extra.push(execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=filler ${String(i)}`, '-days', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
		}
		const bundle = tmpFile(readFileSync(join(PKI, 'inter-ca.pem'), 'utf8') + extra.join(''), 'pem');
		const args = signAs('alice').slice(0, -2).concat(['-certfile', bundle]);
		const a = await desk.receive(withHeaders(cms(args, content('many certificates'))));
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toContain(`more than ${String(MAX_UNTRUSTED)} certificates`);
	});

	test(`${String(MAX_UNTRUSTED)} or fewer: the same mail with only the intermediate is valid`, async () => {
		const a = await desk.receive(withHeaders(cms(signAs('alice'), content('one intermediate'))));
		expect(a.security.sign.status).toBe('valid');
	});
});

describe('message size', () => {
	test('the default limit is 50 MB', () => {
		expect(DEFAULT_MAX_SIZE).toBe(50 * 1024 * 1024);
	});

	test('a mail over the configured limit is stored unprocessed with a sentence', async () => {
		const small = await openDesk({ indexedDB: new IDBFactory(), name: 'limits', maxMessageSize: 2000, now: () => new Date('2026-11-29T12:00:00Z') });
		await small.setEnabled(true);
		const mail = withHeaders(cms(signAs('alice'), content('x'.repeat(3000))));
		const a = await small.receive(mail);
		expect(a.security.sign).toEqual({ status: 'none', comment: TOO_LARGE });
		expect(a.security.encryption).toEqual({ status: 'none', comment: TOO_LARGE });
		expect(await small.articleRaw(a.id)).toEqual(mail);
		const below = await small.receive(withHeaders(content('small')));
		expect(below.security.sign.comment).not.toBe(TOO_LARGE);
		await small.close();
	});

	test('a misspelt size option is rejected, not ignored', async () => {
		await expect(openDesk({ indexedDB: new IDBFactory(), maxSize: 1 } as never)).rejects.toThrow('Unknown openDesk option "maxSize".');
	});
});

describe('decoded size against input size', () => {
	test('base64 decodes to at most three quarters of its input, whatever the line lengths and junk', () => {
		const input = new TextEncoder().encode(`${'QUFB'.repeat(50_000)}\r\n!!!\r\n${'A'.repeat(70_000)}===`);
		expect(decodeBase64(input).length).toBeLessThanOrEqual(Math.ceil((input.length * 3) / 4));
	});

	test('a BER bomb (100,000 nested indefinite lengths) in an opaque signature: invalid, fast, no crash', async () => {
		const bomb = new Uint8Array(200_000);
		for (let i = 0; i < bomb.length; i += 2) bomb.set([0x30, 0x80], i);
		const started = performance.now();
		const a = await desk.receive(p7mMail(bomb, 'signed-data'));
		expect(performance.now() - started).toBeLessThan(2000 * 3);
		expect(a.security.sign.status).toBe('invalid');
		expect(a.text).toBe('');
	});

	test('a BER length claiming 4 GB in an envelope: failed, no allocation of the claim', async () => {
		const lie = new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03]);
		const before = process.memoryUsage().arrayBuffers;
		const a = await desk.receive(p7mMail(lie, 'enveloped-data'));
		expect(a.security.encryption.status).toBe('failed');
		expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
	});
});

