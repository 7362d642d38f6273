import { describe, expect, test } from 'vitest';
import { fixture, freshDesk } from './import-helpers';

const PASS = 'sealdesk';

async function fingerprintOf(pem: string): Promise<string> {
	const { desk } = await freshDesk();
	const r = await desk.importFile({ name: pem, data: fixture(`pki/${pem}`) });
	const fp = r.certificates[0]?.fingerprint;
	if (!fp) throw new Error('no certificate');
	return fp;
}

describe('certificate formats', () => {
	test('PEM with CRLF, text around and several blocks imports both certificates', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'alice-bundle-crlf.pem', data: fixture('import/alice-bundle-crlf.pem') });
		expect(r.certificates.map((c) => c.subject).sort()).toEqual(['/CN=Sealdesk Test Intermediate CA/O=Sealdesk Test', '/CN=alice/emailAddress=alice@sealdesk.test/O=Sealdesk Test']);
		const alice = r.certificates.find((c) => c.emails.includes('alice@sealdesk.test'));
		expect(alice?.fingerprint).toBe(await fingerprintOf('alice.pem'));
		expect(alice?.usage).toEqual({ sign: true, encrypt: true });
		expect(alice?.isCA).toBe(false);
		expect(r.certificates.find((c) => c.isCA)?.emails).toEqual([]);
	});

	test('pasted text is read like a file', async () => {
		const { desk } = await freshDesk();
		const text = new TextDecoder().decode(fixture('pki/bob.pem'));
		const r = await desk.importFile({ name: 'pasted', data: text });
		expect(r.certificates[0]?.emails).toEqual(['bob@sealdesk.test']);
	});

	test('TRUSTED CERTIFICATE gives the plain certificate', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'bob-trusted.pem', data: fixture('import/bob-trusted.pem') });
		expect(r.certificates[0]?.fingerprint).toBe(await fingerprintOf('bob.pem'));
	});

	test('DER certificate, with a misleading name', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'bob.key', data: fixture('import/bob.der') });
		expect(r.certificates[0]?.fingerprint).toBe(await fingerprintOf('bob.pem'));
	});

	test.each(['chain.p7b', 'chain.p7c'])('PKCS#7 bundle %s', async (file) => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: file, data: fixture(`import/${file}`) });
		expect(r.certificates).toHaveLength(2);
		expect(r.certificates.every((c) => c.isCA)).toBe(true);
	});
});

describe('private key formats (certificate first)', () => {
	const cases: [string, string, string | undefined][] = [
		['carol.pem', 'carol-key.der', undefined],
		['dave.pem', 'dave-enc.key', PASS],
		['alice.pem', 'alice-enc-3des-pkcs8.key', PASS],
		['bob.pem', 'bob-rsa.key', undefined],
		['carol.pem', 'carol-ec.key', undefined],
		['alice.pem', 'alice-rsa-aes.key', PASS],
		['bob.pem', 'bob-rsa-3des.key', PASS],
		['erin.pem', 'erin-ec-aes.key', PASS]
	];
	test.each(cases)('%s then %s', async (cert, key, passphrase) => {
		const { desk } = await freshDesk();
		const c = await desk.importFile({ name: cert, data: fixture(`pki/${cert}`) });
		const fp = c.certificates[0]?.fingerprint;
		const r = await desk.importFile({ name: key, data: fixture(`import/${key}`), ...(passphrase ? { passphrase } : {}) });
		expect(r.privateKeys).toEqual([{ fingerprint: fp }]);
		expect(r.certificates).toEqual([]);
		expect((await desk.getCertificate(fp ?? ''))?.hasPrivateKey).toBe(true);
	});

	test.each(['frank', 'grace', 'carol', 'dave', 'erin', 'alice'])('PKCS#8 PEM of %s from the shared PKI', async (name) => {
		const { desk } = await freshDesk();
		await desk.importFile({ name: `${name}.pem`, data: fixture(`pki/${name}.pem`) });
		const r = await desk.importFile({ name: `${name}.key`, data: fixture(`pki/${name}.key`) });
		expect(r.privateKeys).toHaveLength(1);
	});
});

describe('PKCS#12 and one-file bundles', () => {
	const cases: [string, number][] = [
		['alice-modern.p12', 3],
		['bob-legacy.p12', 3],
		['carol-3des.pfx', 1],
		['frank.p12', 1]
	];
	test.each(cases)('%s imports its certificates and key in one go', async (file, count) => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: file, data: fixture(`import/${file}`), passphrase: PASS });
		expect(r.certificates).toHaveLength(count);
		expect(r.privateKeys).toHaveLength(1);
		const leaf = r.certificates.find((c) => !c.isCA);
		expect(leaf?.hasPrivateKey).toBe(true);
		expect(r.privateKeys[0]?.fingerprint).toBe(leaf?.fingerprint);
		expect(leaf?.fingerprint).toBe(await fingerprintOf(file.replace(/-.*|\..*/, '') + '.pem'));
	});

	test('PEM with key, certificate and chain imports in one go', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'dave-all.pem', data: fixture('import/dave-all.pem') });
		expect(r.certificates).toHaveLength(3);
		expect(r.privateKeys).toHaveLength(1);
		const dave = r.certificates.find((c) => c.emails.includes('dave@sealdesk.test'));
		expect(dave?.key).toEqual({ algorithm: 'EC', curve: 'P-384', size: 384 });
		expect(dave?.hasPrivateKey).toBe(true);
	});

	test('a bundle that repeats a stored CA imports only its new items', async () => {
		const { desk } = await freshDesk();
		await desk.importFile({ name: 'chain.pem', data: fixture('pki/chain.pem') });
		const r = await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		expect(r.certificates.map((c) => c.emails)).toEqual([['alice@sealdesk.test']]);
		expect(await desk.listCertificates()).toHaveLength(3);
	});
});
