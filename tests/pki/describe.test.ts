import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { describeCertificate, parsePem, readInput, toPem } from '../../src/lib/pki';

const PKI = new URL('../fixtures/pki/', import.meta.url);
const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'signonly', 'expired', 'future', 'inter-ca', 'root-ca'];

function openssl(args: string[], input?: string): string {
	return execFileSync('openssl', args, input === undefined ? {} : { input }).toString();
}

describe('describeCertificate agrees with openssl', () => {
	test.each(names)('%s', async (name) => {
		const path = new URL(`${name}.pem`, PKI).pathname;
		const { certificates } = await readInput({ name, data: readFileSync(path) }, crypto);
		const der = certificates[0];
		if (!der) throw new Error('no certificate');
		const info = await describeCertificate(der, crypto);
		const out = openssl(['x509', '-in', path, '-noout', '-serial', '-fingerprint', '-sha256', '-startdate', '-enddate', '-ext', 'basicConstraints']);
		expect(out).toContain(`serial=${info.serial}`);
		expect(out.match(/sha256 Fingerprint=([0-9A-F:]+)/)?.[1]?.replace(/:/g, '').toLowerCase()).toBe(info.fingerprint);
		const sha1 = openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha1']).split('=')[1]?.trim().replace(/:/g, '').toLowerCase();
		expect(info.sha1).toBe(sha1);
		const start = new Date(out.match(/notBefore=(.*)/)?.[1] ?? '').toISOString();
		const end = new Date(out.match(/notAfter=(.*)/)?.[1] ?? '').toISOString();
		expect([info.notBefore, info.notAfter]).toEqual([start, end]);
		expect(info.isCA).toBe(out.includes('CA:TRUE'));
		const subject = openssl(['x509', '-in', path, '-noout', '-subject', '-nameopt', 'compat']).replace(/^subject=/, '').trim();
		expect(info.subject).toBe(subject);
		if (!info.isCA) expect(info.emails).toEqual([`${name}@sealdesk.test`]);
		// Our PEM goes back into openssl unchanged.
		expect(openssl(['x509', '-noout', '-fingerprint', '-sha256'], toPem('CERTIFICATE', der))).toBe(openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']));
	});

	test('usage and key per algorithm', async () => {
		const info = async (name: string) => {
			const { certificates } = await readInput({ name, data: readFileSync(new URL(`${name}.pem`, PKI)) }, crypto);
			return describeCertificate(certificates[0] ?? new Uint8Array(), crypto);
		};
		expect((await info('signonly')).usage).toEqual({ sign: true, encrypt: false });
		expect((await info('frank')).usage).toEqual({ sign: true, encrypt: false });
		expect((await info('grace')).usage).toEqual({ sign: false, encrypt: true });
		expect((await info('carol')).key).toEqual({ algorithm: 'EC', curve: 'P-256', size: 256 });
		expect((await info('erin')).key).toEqual({ algorithm: 'EC', curve: 'P-521', size: 521 });
		expect((await info('bob')).key).toEqual({ algorithm: 'RSA', size: 2048 });
		expect((await info('tls')).smime).toBe(false);
		expect((await info('expired')).smime).toBe(true);
		expect((await info('alice')).subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
	});
});

describe('PEM reading', () => {
	test('headers, CRLF, text around, base64 errors', () => {
		const text = 'intro\r\n-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\r\n\r\nAAEC\r\n-----END RSA PRIVATE KEY-----\r\nouter';
		const [block] = parsePem(text);
		expect(block?.headers).toEqual({ 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,00112233445566778899AABBCCDDEEFF' });
		expect(Array.from(block?.der ?? [])).toEqual([0, 1, 2]);
		expect(() => parsePem('-----BEGIN CERTIFICATE-----\nA!==\n-----END CERTIFICATE-----')).toThrow();
		expect(() => parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n')).toThrow();
		expect(parsePem('nothing here')).toEqual([]);
	});

	test('an encrypted PEM key without a passphrase asks for one', async () => {
		const data = readFileSync(new URL('../fixtures/import/alice-rsa-aes.key', import.meta.url));
		await expect(readInput({ name: 'k.pem', data }, crypto)).rejects.toMatchObject({ code: 'passphrase-required' });
	});
});
