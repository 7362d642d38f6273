/**
 * Incoming interop corpus: mails made by `openssl cms` / `openssl smime` in the test set-up,
 * one for every algorithm of the issue that OpenSSL 3.0 produces, read through desk.receive.
 * Where OpenSSL can also check the mail, it must agree with us.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { SHA1_REFUSED } from '../../src/lib/smime/comments';
import { freshDesk } from '../desk/receive-helpers';
import { PKI, opensslOk, text, tmpFile } from './helpers';
import { cms, content, encryptTo, loadPki, signAs, withHeaders } from './mail';

let desk: Desk;
let rootSubject: string;
const subjects = new Map<string, string>();

beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, ['bob', 'carol', 'dave', 'erin']);
	for (const c of await desk.listCertificates()) {
		subjects.set(c.emails[0] ?? 'root', c.subject);
		if (c.isCA) rootSubject = c.subject;
	}
});

/** OpenSSL's own verdict on a signed mail, with the root CA as the only anchor. */
function opensslVerifies(mail: Uint8Array): boolean {
	return opensslOk(['cms', '-verify', '-CAfile', join(PKI, 'root-ca.pem'), '-in', tmpFile(mail, 'eml'), '-out', tmpFile('', 'out')]);
}

describe('signatures made by openssl', () => {
	const cases: { name: string; signer: string; email: string; args: string[] }[] = [
		{ name: 'RSA PKCS#1 v1.5, SHA-256, detached (smime default)', signer: 'alice', email: 'alice@sealdesk.test', args: [] },
		{ name: 'RSA PKCS#1 v1.5, SHA-384', signer: 'alice', email: 'alice@sealdesk.test', args: ['-md', 'sha384'] },
		{ name: 'RSA PKCS#1 v1.5, SHA-512', signer: 'alice', email: 'alice@sealdesk.test', args: ['-md', 'sha512'] },
		{ name: 'RSA-PSS, SHA-256', signer: 'alice', email: 'alice@sealdesk.test', args: ['-keyopt', 'rsa_padding_mode:pss'] },
		{ name: 'ECDSA P-256', signer: 'carol', email: 'carol@sealdesk.test', args: [] },
		{ name: 'ECDSA P-384, SHA-384', signer: 'dave', email: 'dave@sealdesk.test', args: ['-md', 'sha384'] },
		{ name: 'ECDSA P-521, SHA-512', signer: 'erin', email: 'erin@sealdesk.test', args: ['-md', 'sha512'] }
	];
	for (const c of cases) {
		test(`${c.name}: valid, the root CA's subject as comment, OpenSSL agrees`, async () => {
			const mail = withHeaders(cms([...signAs(c.signer), ...c.args], content(c.name)), { from: `X <${c.email}>` });
			const a = await desk.receive(mail);
			// A stored signer certificate is its own anchor (Zammad's PARTIAL_CHAIN); otherwise the root CA vouches.
			expect(a.security.sign).toEqual({ status: 'valid', signer: c.email, comment: subjects.get(c.email) ?? rootSubject });
			expect(a.security.encryption.status).toBe('none');
			expect(a.text).toContain(`Hello from openssl: ${c.name}`);
			expect(opensslVerifies(mail)).toBe(true);
		});
	}

	test('openssl smime -sign (text mode) output verifies', async () => {
		const out = new Uint8Array(
			(await import('./helpers')).openssl(['smime', '-sign', '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-certfile', join(PKI, 'inter-ca.pem'), '-text', '-in', tmpFile('Plain text line\nsecond line\n', 'txt')])
		);
		const a = await desk.receive(withHeaders(out));
		expect(a.security.sign.status).toBe('valid');
		expect(a.text).toContain('second line');
	});

	test('SHA-1 is refused by default (issue 15), though OpenSSL accepts it', async () => {
		const mail = withHeaders(cms([...signAs('alice'), '-md', 'sha1'], content('sha1')));
		const a = await desk.receive(mail);
		expect(a.security.sign).toEqual({ status: 'invalid', comment: SHA1_REFUSED });
		expect(opensslVerifies(mail)).toBe(true);
	});

	test('SHA-1 verifies with a weak-algorithm warning once "Accept SHA-1 signatures" is on', async () => {
		const mail = withHeaders(cms([...signAs('alice'), '-md', 'sha1'], content('sha1 accepted')));
		await desk.setAcceptSha1Signatures(true);
		try {
			const a = await desk.receive(mail);
			expect(a.security.sign.status).toBe('valid');
			expect(a.security.sign.comment).toBe(`${rootSubject} The signature uses SHA-1, a weak algorithm.`);
		} finally {
			await desk.setAcceptSha1Signatures(false);
		}
	});

	test('MD5 is refused, even with SHA-1 accepted', async () => {
		await desk.setAcceptSha1Signatures(true);
		try {
			const a = await desk.receive(withHeaders(cms([...signAs('alice'), '-md', 'md5'], content('md5'))));
			expect(a.security.sign.status).toBe('invalid');
			expect(a.security.sign.comment).toMatch(/^The signature is invalid: .*MD5/);
			expect(a.security.sign.signer).toBeUndefined();
		} finally {
			await desk.setAcceptSha1Signatures(false);
		}
	});

	test('a signed mail stored with LF endings still verifies after canonicalisation', async () => {
		const crlf = cms(signAs('alice'), content('lf'));
		const lf = new TextEncoder().encode(text(crlf).replace(/\r\n/g, '\n'));
		expect(lf.includes(13)).toBe(false);
		const a = await desk.receive(withHeaders(lf));
		expect(a.security.sign.status).toBe('valid');
	});

	test('x-pkcs7-signature protocol (openssl smime, as older clients send it)', async () => {
		const out = text(cms(signAs('alice'), content('x-pkcs7'))).replace(/application\/pkcs7-signature/g, 'application/x-pkcs7-signature');
		const a = await desk.receive(withHeaders(out));
		expect(a.security.sign.status).toBe('valid');
	});

	describe('opaque signed-data (Outlook style)', () => {
		const opaque = (): string => text(cms([...signAs('alice'), '-nodetach'], content('opaque')));
		test('with smime-type=signed-data', async () => {
			const o = opaque();
			expect(o).toMatch(/smime-type=signed-data/);
			const a = await desk.receive(withHeaders(o));
			expect(a.security.sign.status).toBe('valid');
			expect(a.security.encryption.status).toBe('none');
			expect(a.security.layers).toEqual([{ kind: 'signed', form: 'opaque', status: 'valid', covers: 'content' }]);
			expect(a.text).toContain('Hello from openssl: opaque');
		});
		test('with mixed-case smime-type=Signed-Data', async () => {
			const a = await desk.receive(withHeaders(opaque().replace('smime-type=signed-data', 'smime-type=Signed-Data')));
			expect(a.security.sign.status).toBe('valid');
			expect(a.security.encryption.status).toBe('none');
		});
		test('without the smime-type parameter', async () => {
			const a = await desk.receive(withHeaders(opaque().replace(/ smime-type=signed-data;/, '')));
			expect(a.security.sign.status).toBe('valid');
		});
		test('as application/octet-stream named smime.p7m', async () => {
			const o = opaque().replace(/Content-Type: application\/(x-)?pkcs7-mime;[^\r\n]*/, 'Content-Type: application/octet-stream; name="smime.p7m"');
			expect(o).toMatch(/octet-stream/);
			const a = await desk.receive(withHeaders(o));
			expect(a.security.sign.status).toBe('valid');
		});
	});
});

describe('encryption made by openssl', () => {
	const cases: { name: string; to: string; args: string[]; cipher: string; transport: string }[] = [
		{ name: 'RSA PKCS#1 v1.5 + 3DES (openssl cms default)', to: 'bob', args: [], cipher: '3DES-CBC', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'RSA PKCS#1 v1.5 + AES-256-CBC', to: 'bob', args: ['-aes256'], cipher: 'AES-256-CBC', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'AES-128-CBC', to: 'bob', args: ['-aes128'], cipher: 'AES-128-CBC', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'AES-192-CBC', to: 'bob', args: ['-aes192'], cipher: 'AES-192-CBC', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'AES-256-GCM AuthEnvelopedData', to: 'bob', args: ['-aes-256-gcm'], cipher: 'AES-256-GCM', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'AES-128-GCM AuthEnvelopedData', to: 'bob', args: ['-aes-128-gcm'], cipher: 'AES-128-GCM', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'RSA-OAEP SHA-1 (parameters absent)', to: 'bob', args: ['-aes256', '-keyopt', 'rsa_padding_mode:oaep'], cipher: 'AES-256-CBC', transport: 'RSA-OAEP (SHA-1)' },
		...(['sha256', 'sha384', 'sha512'] as const).map((md) => ({
			name: `RSA-OAEP ${md}`,
			to: 'bob',
			args: ['-aes256', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', `rsa_oaep_md:${md}`],
			cipher: 'AES-256-CBC',
			transport: `RSA-OAEP (SHA-${md.slice(3)})`
		})),
		{ name: 'recipient by subject key identifier', to: 'bob', args: ['-keyid', '-aes256'], cipher: 'AES-256-CBC', transport: 'RSA PKCS#1 v1.5' },
		{ name: 'ECDH P-256, X9.63 SHA-1 KDF (openssl default), AES-128 wrap', to: 'carol', args: ['-aes128'], cipher: 'AES-128-CBC', transport: 'ECDH (X9.63 SHA-1, AES-128 wrap)' },
		...(['sha256', 'sha384', 'sha512'] as const).map((md, i) => {
			const bits = ['128', '192', '256'][i] ?? '256';
			return {
				name: `ECDH P-384, X9.63 ${md} KDF, AES-${bits} wrap`,
				to: 'dave',
				args: ['-aes256', '-keyopt', `ecdh_kdf_md:${md}`, '-wrap', `aes${bits}-wrap`],
				cipher: 'AES-256-CBC',
				transport: `ECDH (X9.63 SHA-${md.slice(3)}, AES-${bits} wrap)`
			};
		}),
		{ name: 'ECDH P-521, by key identifier', to: 'erin', args: ['-keyid', '-aes-256-gcm'], cipher: 'AES-256-GCM', transport: 'ECDH (X9.63 SHA-1, AES-256 wrap)' }
	];
	for (const c of cases) {
		test(`${c.name}: decrypted with the recipient's subject as comment`, async () => {
			const a = await desk.receive(withHeaders(cms([...encryptTo(c.to), ...c.args], content(c.name))));
			const subject = subjects.get(`${c.to}@sealdesk.test`) ?? '';
			expect(a.security.encryption.status).toBe('decrypted');
			expect(a.security.encryption.comment).toBe(c.cipher === '3DES-CBC' ? `${subject} The message was encrypted with 3DES-CBC, a weak algorithm.` : subject);
			expect(a.security.layers).toEqual([{ kind: 'encrypted', status: 'decrypted', contentEncryption: c.cipher, keyTransport: c.transport }]);
			expect(a.security.sign.status).toBe('none');
			expect(a.text).toContain(`Hello from openssl: ${c.name}`);
		});
	}

	test('several recipients: the one we hold a key for opens it', async () => {
		const a = await desk.receive(withHeaders(cms([...encryptTo('alice', 'carol'), '-aes256'], content('two'))));
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.security.encryption.comment).toBe(subjects.get('carol@sealdesk.test'));
	});
});

describe('layer orders', () => {
	test('signed, then encrypted: both are reported and the signature covers the content', async () => {
		const signed = cms(signAs('alice'), content('sign-then-encrypt'));
		const a = await desk.receive(withHeaders(cms(encryptTo('bob'), signed)));
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'alice@sealdesk.test', comment: rootSubject });
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.security.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed']);
		expect(a.security.layers[1]).toMatchObject({ covers: 'content' });
		expect(a.text).toContain('sign-then-encrypt');
	});

	test('encrypted, then signed: the comment says only the encrypted layer was signed', async () => {
		const encrypted = cms(encryptTo('bob'), content('encrypt-then-sign'));
		const a = await desk.receive(withHeaders(cms(signAs('alice'), encrypted)));
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.sign.comment).toBe(`${rootSubject} The signature covers the encrypted message; the readable content was not signed.`);
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.security.layers).toMatchObject([{ kind: 'signed', covers: 'encrypted' }, { kind: 'encrypted' }]);
		expect(a.text).toContain('encrypt-then-sign');
	});

	test('triple-wrapped (sign, encrypt, sign): every layer is read', async () => {
		const inner = cms(signAs('carol'), content('triple'));
		const encrypted = cms(encryptTo('bob'), inner);
		const a = await desk.receive(withHeaders(cms(signAs('alice'), encrypted)));
		expect(a.security.layers.map((l) => `${l.kind}:${l.status}`)).toEqual(['signed:valid', 'encrypted:decrypted', 'signed:valid']);
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.sign.comment).toBe(`${rootSubject}, ${subjects.get('carol@sealdesk.test') ?? ''}`);
		expect(a.text).toContain('triple');
	});

	test('opaque signed inside encryption', async () => {
		const inner = cms([...signAs('alice'), '-nodetach'], content('opaque-in-envelope'));
		const a = await desk.receive(withHeaders(cms([...encryptTo('carol'), '-aes-256-gcm'], inner)));
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.text).toContain('opaque-in-envelope');
	});
});
