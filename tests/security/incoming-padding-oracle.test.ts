/**
 * Attack (padding oracle): probes that break the RSA PKCS#1 v1.5 padding, the CBC padding, the
 * ciphertext length, the OAEP key or the GCM tag must all look alike to the sender: the same
 * status, the same comment, nothing shown, and the same log detail.
 */
import { expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { cms, encryptTo, loadPki } from '../smime/mail';
import { editCiphertext, editEncryptedKey, editTag, p7mMail } from '../smime/envelope-edit';

test('every decryption failure looks alike', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	// 64 bytes of content: CBC adds a full block of padding 0x10, so the probes below are deterministic.
	const body = 'Content-Type: text/plain\r\n\r\n' + 'abcdefghij'.repeat(3) + 'klmn\r\n';
	expect(body.length).toBe(64);
	const legacyCbc = cms([...encryptTo('bob'), '-aes256', '-binary', '-outform', 'DER'], body);
	const legacyGcm = cms([...encryptTo('bob'), '-aes-256-gcm', '-binary', '-outform', 'DER'], body);
	const oaepCbc = cms([...encryptTo('bob'), '-aes256', '-binary', '-keyopt', 'rsa_padding_mode:oaep', '-outform', 'DER'], body);
	const control = await desk.receive(p7mMail(legacyCbc, 'enveloped-data'));
	expect(control.security.encryption.status).toBe('decrypted');

	const probes: [string, Uint8Array, string][] = [
		// The last plaintext byte becomes 0x10 ^ 0x10 = 0: an invalid CBC padding.
		['bad CBC padding', editCiphertext(legacyCbc, (ct) => xorAt(ct, ct.length - 17, 0x10)), 'enveloped-data'],
		// Drop the padding block: the last block now ends in LF (0x0a) after 'n'; 0x0a is a padding length, but the bytes before it are not 0x0a, an invalid padding.
		['truncated ciphertext', editCiphertext(legacyCbc, (ct) => ct.subarray(0, ct.length - 16)), 'enveloped-data'],
		['ciphertext not a whole number of blocks', editCiphertext(legacyCbc, (ct) => ct.subarray(0, ct.length - 5)), 'enveloped-data'],
		// Implicit rejection: a broken PKCS#1 v1.5 padding gives a random key, and the GCM tag fails.
		['broken RSA PKCS#1 v1.5 padding', editEncryptedKey(legacyGcm, (k) => xorAt(k, 0, 0xff)), 'authEnveloped-data'],
		['broken RSA-OAEP key', editEncryptedKey(oaepCbc, (k) => xorAt(k, 10, 0x01)), 'enveloped-data'],
		['bad GCM tag', editTag(legacyGcm, (t) => xorAt(t, 15, 0x01)), 'authEnveloped-data']
	];
	const seen = new Set<string>();
	for (const [name, der, type] of probes) {
		const a = await desk.receive(p7mMail(der, type));
		const shape = JSON.stringify({ security: a.security, text: a.text, html: a.html ?? null, attachments: a.attachments });
		expect(a.security.encryption, name).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
		seen.add(shape.replace(/"contentEncryption":"[^"]*"/g, ''));
		const [log] = await desk.logs();
		seen.add(`log:${log?.operation ?? ''}:${log?.status ?? ''}:${log?.detail ?? ''}`);
	}
	expect([...seen]).toHaveLength(2);
});

function xorAt(b: Uint8Array, i: number, x: number): Uint8Array {
	b[i] = (b[i] ?? 0) ^ x;
	return b;
}
