/** smime/outgoing: the built structure, checked with openssl and by hand. */
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { buildOutgoing } from '../../src/lib/smime/outgoing';
import { issuerChain } from '../../src/lib/smime/outgoing-chain';
import { buildExactContentEntity, buildExactTextEntity } from '../../src/lib/mime/out-content';
import { parseDraftAddresses } from '../../src/lib/smime/outgoing-draft';
import { readPem } from '../cms/enveloped-helpers';
import { aliceSigner, isCrlf7bit, NOW, openssl, PKI, put, tempDir } from '../interop/outgoing-helpers';

const pem = (name: string): Uint8Array => readPem(join(PKI, `${name}.pem`));

describe('buildOutgoing', () => {
	test('signed attributes are DER-ordered: contentType, signingTime, messageDigest, SMIMECapabilities; the signing time is the date', async () => {
		const { certificate, keys } = await aliceSigner();
		const msg = await buildOutgoing({
			from: { address: 'alice@sealdesk.test' },
			to: [{ address: 'bob@sealdesk.test' }],
			subject: 's',
			text: 'signed text',
			messageId: 'id1@sealdesk.test',
			date: NOW,
			sign: { certificate, chain: [pem('inter-ca')], keys },
			crypto: globalThis.crypto
		});
		expect(msg.signed).toBe(true);
		expect(isCrlf7bit(msg.raw)).toBe(true);
		const printed = new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', put(tempDir(), 'm.eml', msg.raw)]));
		const order = ['contentType (', 'signingTime (', 'messageDigest (', 'S/MIME Capabilities ('].map((s) => printed.indexOf(s));
		expect(order.every((i) => i > 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(printed).toContain('UTCTIME:Nov 29 04:00:00 2026 GMT');
		expect(printed).toContain('aes-256-gcm');
		expect(printed.match(/algorithm: sha256 /g)?.length).toBeGreaterThanOrEqual(2);
		expect(printed).toContain('Sealdesk Test Intermediate CA');
	});

	test('rejects unknown options', async () => {
		await expect(
			buildOutgoing({ from: { address: 'a@b.example' }, to: [], subject: '', text: '', messageId: 'x@y.example', date: NOW, crypto: globalThis.crypto, bcc: [] } as never)
		).rejects.toThrow('Unknown option bcc.');
	});

	test('a key that is not the certificate\'s refuses to sign, with the cause kept', async () => {
		const { keys } = await aliceSigner();
		const error = await buildOutgoing({
			from: { address: 'bob@sealdesk.test' },
			to: [{ address: 'alice@sealdesk.test' }],
			subject: '',
			text: 'x',
			messageId: 'x@y.example',
			date: NOW,
			sign: { certificate: pem('bob'), chain: [], keys },
			crypto: globalThis.crypto
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe('The message could not be signed.');
		expect((error as Error).cause).toBeInstanceOf(Error);
	});
});

describe('issuerChain', () => {
	test('follows proven issuers up to the root and ignores unrelated CAs and leaves', async () => {
		const store = [pem('rogue-ca'), pem('bob'), pem('root-ca'), pem('inter-ca')];
		const chain = await issuerChain(pem('alice'), store, globalThis.crypto);
		expect(chain).toEqual([pem('inter-ca'), pem('root-ca')]);
		expect(await issuerChain(pem('alice'), [pem('root-ca'), pem('rogue-ca')], globalThis.crypto)).toEqual([]);
		expect(await issuerChain(pem('inter-ca'), store, globalThis.crypto)).toEqual([pem('root-ca')]);
	});
});

describe('content entity', () => {
	test('the text part ends in a soft line break, 7-bit and CRLF, lines of at most 76', () => {
		const entity = new TextDecoder().decode(buildExactTextEntity('Zeile 1\nZeile 2 ' + 'ä'.repeat(80)));
		expect(entity.endsWith('=')).toBe(true);
		expect(entity).not.toMatch(/[^\r]\n/);
		const body = entity.split('\r\n\r\n')[1] ?? '';
		expect(body.split('\r\n').every((l) => l.length <= 76)).toBe(true);
	});

	test('with attachments: multipart/mixed, text first', async () => {
		const e = new TextDecoder().decode(await buildExactContentEntity({ text: 'x', attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', data: new Uint8Array([1]) }] }, globalThis.crypto));
		expect(e).toMatch(/^Content-Type: multipart\/mixed; boundary="[^"]+"\r\n\r\n--/);
		expect(e.indexOf('text/plain')).toBeLessThan(e.indexOf('a.bin'));
		expect(e.endsWith('--\r\n')).toBe(true);
	});
});

describe('draft addresses', () => {
	test('lists with names, quotes and semicolons; lower-cased; duplicates dropped', () => {
		expect(parseDraftAddresses(['"Doe, John" <John@Example.com>; jane@example.com', 'john@example.com'])).toEqual([
			{ name: 'Doe, John', address: 'john@example.com' },
			{ address: 'jane@example.com' }
		]);
		expect(parseDraftAddresses(undefined)).toEqual([]);
		expect(() => parseDraftAddresses('a@b.example, <broken')).toThrow('The address "<broken" is not valid.');
	});
});
