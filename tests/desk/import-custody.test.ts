import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { cryptoKeysOf } from '../../src/lib/pki/keys';
import { legacyKeyOpenerFor, privateKeySetFor, findCertificatesByEmail, allCertificateDers } from '../../src/lib/desk';
import { fixture, freshDesk } from './import-helpers';

const PASS = 'sealdesk';

async function importAll(desk: Desk): Promise<void> {
	await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
	await desk.importFile({ name: 'dave-all.pem', data: fixture('import/dave-all.pem') });
	await desk.importFile({ name: 'frank.p12', data: fixture('import/frank.p12'), passphrase: PASS });
	await desk.importFile({ name: 'grace.pem', data: fixture('pki/grace.pem') });
	await desk.importFile({ name: 'grace.key', data: fixture('pki/grace.key') });
}

async function expectAllNonExtractable(desk: Desk): Promise<number> {
	let count = 0;
	for (const cert of await desk.listCertificates()) {
		const set = await privateKeySetFor(desk.context, cert.fingerprint);
		if (!set) continue;
		for (const key of cryptoKeysOf(set)) {
			expect(key.extractable).toBe(false);
			for (const format of ['pkcs8', 'jwk', 'raw', 'spki'] as const) {
				await expect(crypto.subtle.exportKey(format, key)).rejects.toThrow();
			}
			count++;
		}
	}
	return count;
}

describe('key custody', () => {
	test('no stored CryptoKey can be exported, before and after reopening; reopening keeps everything', async () => {
		const { desk, factory } = await freshDesk();
		await importAll(desk);
		const before = await desk.listCertificates();
		const logs = await desk.logs();
		const n = await expectAllNonExtractable(desk);
		// RSA: 2 sign + 4 OAEP; EC: 2; Ed25519: 1; X25519: 1
		expect(n).toBe(6 + 2 + 1 + 1);
		await desk.close();
		const again = await openDesk({ indexedDB: factory, name: 'test' });
		expect(await again.listCertificates()).toEqual(before);
		expect(await again.logs()).toEqual(logs);
		expect(await again.isEnabled()).toBe(true);
		expect(await expectAllNonExtractable(again)).toBe(n);
		// The reopened keys still work.
		const alice = before.find((c) => c.emails.includes('alice@sealdesk.test'));
		const set = await privateKeySetFor(again.context, alice?.fingerprint ?? '');
		const pkcs1 = set?.sign.pkcs1;
		if (!pkcs1) throw new Error('no key');
		const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pkcs1, new Uint8Array([1, 2, 3]));
		expect(sig.byteLength).toBe(256);
		expect((await findCertificatesByEmail(again.context, 'ALICE@sealdesk.test')).map((c) => c.fingerprint)).toEqual([alice?.fingerprint]);
		expect(await allCertificateDers(again.context)).toHaveLength(before.length);
		await again.close();
	});

	test('the sealed PKCS#8 opens to the key openssl has, and only for RSA', async () => {
		const { desk } = await freshDesk();
		await importAll(desk);
		const status = await desk.vaultStatus();
		expect(status.legacyKeys).toHaveLength(1);
		const fp = status.legacyKeys[0] ?? '';
		const opened = await legacyKeyOpenerFor(desk.context, fp)();
		const dir = mkdtempSync(join(tmpdir(), 'sealdesk-import-'));
		const expected = execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', new URL('../fixtures/pki/alice.key', import.meta.url).pathname]);
		const openedPath = join(dir, 'opened.der');
		writeFileSync(openedPath, opened ?? new Uint8Array());
		const viaOpenssl = execFileSync('openssl', ['pkey', '-inform', 'DER', '-in', openedPath, '-pubout']).toString();
		const alicePub = execFileSync('openssl', ['pkey', '-in', new URL('../fixtures/pki/alice.key', import.meta.url).pathname, '-pubout']).toString();
		expect(viaOpenssl).toBe(alicePub);
		expect(Buffer.from(opened ?? []).equals(expected)).toBe(true);
	});

	test('vault passphrase: locked after reopening, wrong passphrase refused, unlock opens, removal works', async () => {
		const { desk, factory } = await freshDesk();
		await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		const fp = (await desk.vaultStatus()).legacyKeys[0] ?? '';
		const plain = await legacyKeyOpenerFor(desk.context, fp)();
		await desk.setVaultPassphrase(null, 'correct horse');
		expect(await desk.settings()).toEqual({ enabled: true, strictKeyCustody: false, acceptSha1Signatures: false, vault: { passphrase: true, locked: false } });
		await desk.close();
		const again = await openDesk({ indexedDB: factory, name: 'test' });
		expect((await again.vaultStatus()).locked).toBe(true);
		expect(await legacyKeyOpenerFor(again.context, fp)()).toBeNull();
		// Import of an RSA key is refused while the vault is locked.
		await expect(again.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS })).rejects.toThrow('Unlock the key vault first.');
		await expect(again.unlockVault('wrong')).rejects.toThrow('The passphrase is wrong.');
		await again.unlockVault('correct horse');
		expect(await legacyKeyOpenerFor(again.context, fp)()).toEqual(plain);
		await again.lockVault();
		expect(await legacyKeyOpenerFor(again.context, fp)()).toBeNull();
		await expect(again.setVaultPassphrase('nope', null)).rejects.toThrow('The passphrase is wrong.');
		await again.setVaultPassphrase('correct horse', null);
		expect((await again.vaultStatus()).passphrase).toBe(false);
		expect(await legacyKeyOpenerFor(again.context, fp)()).toEqual(plain);
		await again.close();
	}, 30_000);

	test('strict key custody drops every sealed copy and keeps none on new imports', async () => {
		const { desk } = await freshDesk();
		await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		await desk.setStrictKeyCustody(true);
		const fp = (await desk.listCertificates()).find((c) => c.hasPrivateKey)?.fingerprint ?? '';
		expect((await desk.vaultStatus()).legacyKeys).toEqual([]);
		expect(await legacyKeyOpenerFor(desk.context, fp)()).toBeNull();
		await desk.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		expect((await desk.vaultStatus()).legacyKeys).toEqual([]);
		expect((await desk.settings()).strictKeyCustody).toBe(true);
		await desk.setStrictKeyCustody(false);
		await desk.importFile({ name: 'signonly.pem', data: fixture('pki/signonly.pem') });
		const r = await desk.importFile({ name: 'signonly.key', data: fixture('pki/signonly.key') });
		expect((await desk.vaultStatus()).legacyKeys).toEqual(r.privateKeys.map((k) => k.fingerprint));
	});
});

describe('deleting, exporting and logging', () => {
	test('delete only the key, then the certificate; each is logged newest first', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		const fp = r.privateKeys[0]?.fingerprint ?? '';
		await desk.deletePrivateKey(fp);
		expect((await desk.getCertificate(fp))?.hasPrivateKey).toBe(false);
		expect((await desk.vaultStatus()).legacyKeys).toEqual([]);
		await expect(desk.deletePrivateKey(fp)).rejects.toThrow('This certificate has no private key.');
		await desk.deleteCertificate(fp);
		expect(await desk.getCertificate(fp)).toBeNull();
		await expect(desk.certificatePem(fp)).rejects.toThrow('No certificate has this fingerprint.');
		const all = await desk.logs();
		// Issue 19: the refused second delete is logged too, with its sentence; and the switch that enabled S/MIME.
		expect(all.map((l) => `${l.operation}:${l.status}`)).toEqual(['delete:success', 'delete-key:failed', 'delete-key:success', 'import:success', 'setting:success']);
		expect(all[1]?.detail).toBe(`private key for ${fp}: This certificate has no private key.`);
		expect(all[4]?.detail).toBe('S/MIME is enabled.');
		const logs = all.filter((l) => l.status === 'success' && l.operation !== 'setting');
		expect(logs.every((l) => l.direction === 'admin' && l.messageId === null)).toBe(true);
		expect(logs[2]?.detail).toContain('alice-modern.p12');
	});

	test('the downloaded PEM is what openssl reads, with the same fingerprint', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'bob.der', data: fixture('import/bob.der') });
		const info = r.certificates[0];
		const pem = await desk.certificatePem(info?.fingerprint ?? '');
		const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-serial', '-email'], { input: pem }).toString();
		expect(out).toContain(`sha256 Fingerprint=${(info?.fingerprint ?? '').toUpperCase().replace(/(..)(?!$)/g, '$1:')}`);
		expect(out).toContain(`serial=${info?.serial ?? ''}`);
		expect(out).toContain('bob@sealdesk.test');
	});

	test('openssl-made inputs in the test run: a fresh PKCS#12 and encrypted PKCS#8 with a random passphrase', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'sealdesk-import-'));
		const pki = new URL('../fixtures/pki/', import.meta.url).pathname;
		const pass = `p-${String(Math.random()).slice(2)}`;
		const p12 = join(dir, 'x.p12');
		execFileSync('openssl', ['pkcs12', '-export', '-in', `${pki}carol.pem`, '-inkey', `${pki}carol.key`, '-certfile', `${pki}chain.pem`, '-passout', `pass:${pass}`, '-out', p12]);
		const enc = join(dir, 'erin.key');
		execFileSync('openssl', ['pkcs8', '-topk8', '-in', `${pki}erin.key`, '-v2', 'aes-128-cbc', '-passout', `pass:${pass}`, '-out', enc]);
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'x.p12', data: new Uint8Array(readFileSync(p12)), passphrase: pass });
		expect(r.certificates).toHaveLength(3);
		await desk.importFile({ name: 'erin.pem', data: fixture('pki/erin.pem') });
		const k = await desk.importFile({ name: 'erin.key', data: new Uint8Array(readFileSync(enc)), passphrase: pass });
		expect(k.privateKeys).toHaveLength(1);
		const fpOpenssl = execFileSync('openssl', ['x509', '-in', `${pki}erin.pem`, '-noout', '-fingerprint', '-sha256']).toString().split('=')[1]?.trim().replace(/:/g, '').toLowerCase();
		expect(k.privateKeys[0]?.fingerprint).toBe(fpOpenssl);
	});
});
