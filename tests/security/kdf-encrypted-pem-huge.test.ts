/**
 * Attack: a traditional OpenSSL encrypted PEM key (`Proc-Type: 4,ENCRYPTED`) with a body of
 * megabytes. Its key derivation is one MD5 round (no count to cap), but forge would decrypt the
 * whole body synchronously: the body is bounded instead, refused before any work; a real
 * openssl-encrypted key still imports.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { MAX_ENCRYPTED_PEM_BODY } from '../../src/lib/pki/kdf-limits';
import { fixture } from '../desk/import-helpers';
import { PASS, expectRefusedBeforeAnyDerivation, watchedDesk } from './kdf-helpers';

const BOB_KEY = new URL('../fixtures/pki/bob.key', import.meta.url).pathname;

function encryptedPem(body: Uint8Array): string {
	const lines = Buffer.from(body).toString('base64').replace(/.{64}/g, '$&\n');
	return `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,0011223344556677\n\n${lines}\n-----END RSA PRIVATE KEY-----\n`;
}

describe('encrypted PEM bodies above the limit', () => {
	test('a 4 MB encrypted body is refused before it is decrypted', async () => {
		expect(MAX_ENCRYPTED_PEM_BODY).toBe(65_536);
		const body = new Uint8Array(4 * 1024 * 1024).fill(0x5a);
		await expectRefusedBeforeAnyDerivation('huge.key', encryptedPem(body), 'The encrypted key in "huge.key" is 4,194,304 bytes; Sealdesk opens encrypted keys of at most 65,536 bytes.');
	});

	test('openssl rsa -des3 -traditional still imports', async () => {
		const pem = execFileSync('openssl', ['rsa', '-in', BOB_KEY, '-des3', '-traditional', '-passout', `pass:${PASS}`], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
		expect(pem).toContain('Proc-Type: 4,ENCRYPTED');
		const { desk, restore } = await watchedDesk();
		try {
			await desk.importFile({ name: 'bob.pem', data: fixture('pki/bob.pem') });
			expect((await desk.importFile({ name: 'bob-des3.key', data: pem, passphrase: PASS })).privateKeys).toHaveLength(1);
		} finally {
			restore();
			await desk.close();
		}
	});
});
