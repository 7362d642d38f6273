import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentEntity, message, multipartSigned, pkcs7Mime } from './build-helpers';
import {
	classifySmime,
	decodeBody,
	parseEntity,
	splitSigned,
} from '../../src/lib/mime/index';
import { opensslDigest, tmp } from './digest';

const pki = (n: string): string => new URL(`../fixtures/pki/${n}`, import.meta.url).pathname;

const content = (): Uint8Array =>
	contentEntity({
		text: 'Grüße aus Köln\n.leading dot\nFrom the desk\ntrailing space \n' + 'x'.repeat(200),
		attachments: [{ filename: 'Übersicht.bin', contentType: 'application/octet-stream', data: new Uint8Array([0, 1, 2, 255, 13, 10, 10]) }],
	});

describe('openssl interop', () => {
	it('our entity signed by openssl -binary and wrapped as multipart/signed verifies with openssl cms -verify', () => {
		const d = tmp();
		const entity = content();
		writeFileSync(join(d, 'entity'), entity);
		execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-signer', pki('alice.pem'), '-inkey', pki('alice.key'), '-outform', 'DER', '-in', join(d, 'entity'), '-out', join(d, 'sig.der')]);
		const sig = new Uint8Array(readFileSync(join(d, 'sig.der')));
		const msg = message({
			from: { name: 'Alice Ä', address: 'alice@sealdesk.test' },
			to: [{ address: 'bob@sealdesk.test' }],
			subject: 'Signed ✓',
			date: new Date('2026-01-02T03:04:05Z'),
			messageId: 'abc@sealdesk.test',
			body: multipartSigned(entity, sig),
		});
		writeFileSync(join(d, 'msg.eml'), msg);
		execFileSync('openssl', ['cms', '-verify', '-noverify', '-in', join(d, 'msg.eml'), '-out', join(d, 'out')], { stdio: ['ignore', 'pipe', 'pipe'] });
		expect(new Uint8Array(readFileSync(join(d, 'out')))).toEqual(entity);
		// and our splitter gets the same bytes back
		const s = splitSigned(parseEntity(msg));
		expect(s.signedBytes).toEqual(entity);
		expect(s.signature).toEqual(sig);
		expect(s.micalg).toBe('sha-256');
	});

	it('an openssl smime -sign (text, detached) output splits; the exact signed bytes hash to its messageDigest', () => {
		const d = tmp();
		writeFileSync(join(d, 'in.txt'), 'Hello\nsecond line\n');
		execFileSync('openssl', ['smime', '-sign', '-text', '-md', 'sha256', '-signer', pki('bob.pem'), '-inkey', pki('bob.key'), '-in', join(d, 'in.txt'), '-out', join(d, 'out.eml')]);
		const e = parseEntity(new Uint8Array(readFileSync(join(d, 'out.eml'))));
		const k = classifySmime(e);
		expect(k.kind).toBe('multipart-signed');
		const s = splitSigned(e);
		expect(opensslDigest(s.signature)).toBe(createHash('sha256').update(s.signedBytes).digest('hex'));
	});

	it('a signed-data application/pkcs7-mime round-trips through openssl smime -pk7out and verify', () => {
		const d = tmp();
		const entity = content();
		writeFileSync(join(d, 'entity'), entity);
		execFileSync('openssl', ['cms', '-sign', '-nodetach', '-binary', '-md', 'sha256', '-signer', pki('alice.pem'), '-inkey', pki('alice.key'), '-outform', 'DER', '-in', join(d, 'entity'), '-out', join(d, 'opaque.der')]);
		const der = new Uint8Array(readFileSync(join(d, 'opaque.der')));
		const wrapped = pkcs7Mime(der, 'signed-data');
		writeFileSync(join(d, 'p7m.eml'), wrapped);
		execFileSync('openssl', ['smime', '-pk7out', '-in', join(d, 'p7m.eml'), '-out', join(d, 'back.pem')]);
		execFileSync('openssl', ['pkcs7', '-in', join(d, 'back.pem'), '-outform', 'DER', '-out', join(d, 'back.der')]);
		expect(new Uint8Array(readFileSync(join(d, 'back.der')))).toEqual(der);
		execFileSync('openssl', ['cms', '-verify', '-noverify', '-in', join(d, 'p7m.eml'), '-out', join(d, 'out')], { stdio: ['ignore', 'pipe', 'pipe'] });
		expect(new Uint8Array(readFileSync(join(d, 'out')))).toEqual(entity);
		const e = parseEntity(wrapped);
		expect(classifySmime(e)).toEqual({ kind: 'pkcs7-mime', smimeType: 'signed-data', name: 'smime.p7m' });
		expect(decodeBody(e)).toEqual(der);
	});

	it('an openssl-encrypted message is classified enveloped-data and its DER decodes byte-exactly', () => {
		const d = tmp();
		writeFileSync(join(d, 'entity'), content());
		execFileSync('openssl', ['cms', '-encrypt', '-aes-256-cbc', '-in', join(d, 'entity'), '-out', join(d, 'enc.eml'), pki('bob.pem')]);
		const e = parseEntity(new Uint8Array(readFileSync(join(d, 'enc.eml'))));
		const k = classifySmime(e);
		expect(k.kind === 'pkcs7-mime' && k.smimeType).toBe('enveloped-data');
		execFileSync('openssl', ['cms', '-cmsout', '-in', join(d, 'enc.eml'), '-outform', 'DER', '-out', join(d, 'enc.der')]);
		expect(decodeBody(e)).toEqual(new Uint8Array(readFileSync(join(d, 'enc.der'))));
	});
});
