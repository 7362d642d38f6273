import { describe, expect, test } from 'vitest';
import { fixture, freshDesk, snapshot, vector } from './import-helpers';
import type { Desk } from '../../src/lib/desk/desk';

async function expectRefused(desk: Desk, input: { name: string; data: Uint8Array | string; passphrase?: string }, message: string | RegExp, code: string | undefined): Promise<void> {
	const before = await snapshot(desk);
	const error = await desk.importFile(input).then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(Error);
	const e = error as Error & { code?: string };
	if (typeof message === 'string') expect(e.message).toBe(message);
	else expect(e.message).toMatch(message);
	expect(e.code).toBe(code);
	expect(e.message).not.toMatch(/invalid byte sequence|undefined|\bat\b.*\(/);
	// Issue 19: the refusal is in Recent Logs with the sentence the admin saw (never the passphrase); nothing else changed.
	const [last] = await desk.logs();
	expect(last).toMatchObject({ direction: 'admin', operation: 'import', status: 'failed', detail: `"${input.name}": ${e.message}`, messageId: null });
	if (input.passphrase) expect(last?.detail).not.toContain(input.passphrase);
	const after = JSON.parse(await snapshot(desk)) as { logs: number };
	expect({ ...after, logs: after.logs - 1 }).toEqual(JSON.parse(before));
}

const NOT_A_FILE = (name: string) => `"${name}" is not a PEM or DER certificate, private key, PKCS#7 or PKCS#12 file.`;

describe('bad input leaves the store unchanged', () => {
	test('the same certificate twice', async () => {
		const { desk } = await freshDesk();
		const first = await desk.importFile({ name: 'alice.pem', data: fixture('pki/alice.pem') });
		const sha1 = first.certificates[0]?.sha1 ?? '';
		await expectRefused(desk, { name: 'alice again.pem', data: fixture('pki/alice.pem') }, `Fingerprint already taken: /CN=alice/emailAddress=alice@sealdesk.test/O=Sealdesk Test (sha1 ${sha1}).`, 'duplicate');
	});

	test.each([
		['empty.pem', new Uint8Array(0)],
		['empty text', '   \n'],
		['garbage.bin', fixture('import/garbage.bin')],
		['broken-base64.pem', fixture('import/broken-base64.pem')],
		['bob-trailing.der', fixture('import/bob-trailing.der')],
		['notes.txt', 'Hello, this is just a note.'],
		['latin1.bin', new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28])],
		['truncated.pem', new TextDecoder().decode(fixture('pki/alice.pem')).slice(0, 300)],
		['csr only', '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n']
	])('%s', async (name, data) => {
		const { desk } = await freshDesk();
		await expectRefused(desk, { name, data }, NOT_A_FILE(name), 'unrecognised');
	});

	test.each([
		['alice-rsa-aes.key', 'alice.pem'],
		['bob-rsa-3des.key', 'bob.pem'],
		['dave-enc.key', 'dave.pem'],
		['alice-enc-3des-pkcs8.key', 'alice.pem'],
		['alice-modern.p12', null],
		['bob-legacy.p12', null]
	])('wrong passphrase for %s', async (file, cert) => {
		const { desk } = await freshDesk();
		if (cert) await desk.importFile({ name: cert, data: fixture(`pki/${cert}`) });
		await expectRefused(desk, { name: file, data: fixture(`import/${file}`), passphrase: 'alicelovesbob' }, 'The passphrase is wrong.', 'wrong-passphrase');
		await expectRefused(desk, { name: file, data: fixture(`import/${file}`) }, `"${file}" is protected by a passphrase. Enter the passphrase.`, 'passphrase-required');
	});

	test('DSA and P-192 keys name the algorithm', async () => {
		const { desk } = await freshDesk();
		await expectRefused(desk, { name: 'dsa.key', data: fixture('import/dsa.key') }, /^This private key uses DSA, which WebCrypto does not offer\. .*Please check the key cryptographic algorithm\.$/, 'unsupported-algorithm');
		await expectRefused(desk, { name: 'DSA.key', data: vector('zammad/DSA.key') }, /uses DSA.*The private key is not valid for S\/MIME usage\. Please check the key cryptographic algorithm\./, 'unsupported-algorithm');
		await expectRefused(desk, { name: 'p192.key', data: fixture('import/p192.key') }, /uses the elliptic curve P-192, which WebCrypto does not offer/, 'unsupported-algorithm');
		await expectRefused(desk, { name: 'ec.crt', data: vector('zammad/alice@acme.corp+sign+encrypt+ec.crt') }, /certificate's key uses the elliptic curve P-192/, 'unsupported-algorithm');
	});

	test('a key without its certificate is refused and kept nowhere', async () => {
		const { desk } = await freshDesk();
		await expectRefused(desk, { name: 'bob.key', data: fixture('pki/bob.key') }, 'This private key matches no imported certificate. Add the certificate first.', 'no-matching-certificate');
		expect((await desk.vaultStatus()).legacyKeys).toEqual([]);
	});

	test('a key for another certificate is refused', async () => {
		const { desk } = await freshDesk();
		await desk.importFile({ name: 'alice.pem', data: fixture('pki/alice.pem') });
		await expectRefused(desk, { name: 'bob.key', data: fixture('pki/bob.key') }, 'This private key matches no imported certificate. Add the certificate first.', 'no-matching-certificate');
	});

	test('any import while S/MIME is off', async () => {
		const { desk } = await freshDesk(false);
		await expectRefused(desk, { name: 'alice.pem', data: fixture('pki/alice.pem') }, 'Enable S/MIME first.', 'disabled');
		await expectRefused(desk, { name: 'garbage.bin', data: fixture('import/garbage.bin') }, 'Enable S/MIME first.', 'disabled');
	});

	test('a TLS certificate is not for S/MIME (Zammad sentence)', async () => {
		const { desk } = await freshDesk();
		const zammad = 'The certificate is not valid for S/MIME usage. Please check the key usage, subject alternative name and public key cryptographic algorithm.';
		await expectRefused(desk, { name: 'tls.pem', data: fixture('pki/tls.pem') }, zammad, 'not-smime');
		await expectRefused(desk, { name: 'zammad.com.crt', data: vector('zammad/zammad.com.crt') }, zammad, 'not-smime');
	});

	test('one bad item makes a multi-item file fail as a whole', async () => {
		const { desk } = await freshDesk();
		const mixed = new TextDecoder().decode(fixture('pki/alice.pem')) + new TextDecoder().decode(fixture('pki/tls.pem'));
		await expectRefused(desk, { name: 'mixed.pem', data: mixed }, /not valid for S\/MIME usage/, 'not-smime');
		const withStrayKey = new TextDecoder().decode(fixture('pki/alice.pem')) + new TextDecoder().decode(fixture('pki/bob.key'));
		await expectRefused(desk, { name: 'stray.pem', data: withStrayKey }, 'This private key matches no imported certificate. Add the certificate first.', 'no-matching-certificate');
	});

	test('a fault in the middle of the write leaves nothing behind', async () => {
		let calls = 0;
		const { desk } = await freshDesk(true, (i) => {
			calls++;
			if (i === 2) throw new Error('simulated fault');
		});
		await expectRefused(desk, { name: 'dave-all.pem', data: fixture('import/dave-all.pem') }, '"dave-all.pem" could not be stored.', undefined);
		expect(calls).toBe(3);
		expect(await desk.listCertificates()).toEqual([]);
		expect((await desk.vaultStatus()).legacyKeys).toEqual([]);
	});
});
