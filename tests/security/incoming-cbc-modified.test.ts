/**
 * Attack (EFAIL CBC gadget): the attacker changes CBC ciphertext blocks of a signed-then-
 * encrypted mail. Decryption "succeeds" with altered plaintext; the inner signature breaks,
 * and the altered plaintext must not be shown.
 */
import { expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { cms, content, encryptTo, loadPki, signAs } from '../smime/mail';
import { editCiphertext, editTag, p7mMail } from '../smime/envelope-edit';

test('a modified CBC block under a signature: signature invalid, decrypted content withheld', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	const signed = cms(signAs('alice'), content(`PAY 100 EUR TO ALICE. ${'filler '.repeat(40)}`));
	const enc = cms([...encryptTo('bob'), '-aes256', '-keyopt', 'rsa_padding_mode:oaep', '-outform', 'DER'], signed);
	// Flip one bit of the signed text ("filler" -> "gilmer"-like damage); CBC garbles the block before it.
	const target = new TextDecoder().decode(signed).indexOf('filler filler filler') + 40;
	const tampered = editCiphertext(enc, (ct) => {
		ct[target - 16] = (ct[target - 16] ?? 0) ^ 0x01;
		return ct;
	});
	const a = await desk.receive(p7mMail(tampered, 'enveloped-data'));
	expect(a.security.encryption.status).toBe('decrypted');
	expect(a.security.encryption.comment).toContain('The decrypted content is not shown because its signature is invalid.');
	expect(a.security.sign.status).toBe('invalid');
	expect(a.security.sign.comment).toBe('The signature is invalid: The content was changed after it was signed.');
	expect(a.text).toBe('');
	expect(a.html).toBeUndefined();
	expect(a.attachments).toEqual([]);

	const intact = await desk.receive(p7mMail(enc, 'enveloped-data'));
	expect(intact.security.sign.status).toBe('valid');
	expect(intact.text).toContain('PAY 100 EUR TO ALICE.');
});

test('AES-GCM: any modified byte fails the tag and nothing is released', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	const enc = cms([...encryptTo('bob'), '-aes-256-gcm', '-outform', 'DER'], content('GCM SECRET'));
	const viaContent = editCiphertext(enc, (ct) => {
		ct[3] = (ct[3] ?? 0) ^ 0x80;
		return ct;
	});
	const viaTag = editTag(enc, (tag) => {
		tag[0] = (tag[0] ?? 0) ^ 0x01;
	});
	for (const bad of [viaContent, viaTag]) {
		const a = await desk.receive(p7mMail(bad, 'authEnveloped-data'));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
		expect(a.text).toBe('');
	}
});

test('a CBC gadget that destroys the signature headers: the mail is not reported as signed', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	const signed = cms(signAs('alice'), content('headers gone'));
	const enc = cms([...encryptTo('bob'), '-aes256', '-outform', 'DER'], signed);
	// Garble the second plaintext block, inside the multipart/signed Content-Type header.
	const tampered = editCiphertext(enc, (ct) => {
		ct[20] = (ct[20] ?? 0) ^ 0x40;
		return ct;
	});
	const a = await desk.receive(p7mMail(tampered, 'enveloped-data'));
	expect(['none', 'invalid']).toContain(a.security.sign.status);
	expect(a.security.sign.status).not.toBe('valid');
});
