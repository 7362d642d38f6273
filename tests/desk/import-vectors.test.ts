import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { freshDesk, vector, VECTORS } from './import-helpers';

const ZAMMAD_SENTENCE = 'The certificate is not valid for S/MIME usage. Please check the key usage, subject alternative name and public key cryptographic algorithm.';
const zammadFiles = readdirSync(new URL('zammad/', VECTORS));

/** Zammad's import expectation for each certificate (README §3), P-192 refused by us (WebCrypto lacks it). */
function expectation(file: string): 'ok' | 'not-smime' | 'unsupported-algorithm' {
	if (file === 'zammad.com.crt' || file === 'SenderNameCA.crt') return 'not-smime';
	if (file === 'alice@acme.corp+sign+encrypt+ec.crt') return 'unsupported-algorithm';
	return 'ok';
}

describe('Zammad fixtures', () => {
	test.each(zammadFiles.filter((f) => f.endsWith('.crt')))('certificate %s', async (file) => {
		const { desk } = await freshDesk();
		const result = await desk.importFile({ name: file, data: vector(`zammad/${file}`) }).then(
			(r) => ({ ok: true as const, r }),
			(e: unknown) => ({ ok: false as const, e: e as Error & { code: string } })
		);
		const expected = expectation(file);
		if (expected === 'ok') {
			expect(result.ok).toBe(true);
			if (result.ok) expect(result.r.certificates.length).toBe(file === 'ChainCA.crt' ? 2 : 1);
		} else {
			expect(result.ok).toBe(false);
			if (!result.ok) {
				expect(result.e.code).toBe(expected);
				expect(result.e.message).toContain(ZAMMAD_SENTENCE);
			}
		}
	});

	test('smimedouble has both addresses; CaseInsenstive is lower-cased; sha1 as Zammad shows it', async () => {
		const { desk } = await freshDesk();
		const d = await desk.importFile({ name: 'd', data: vector('zammad/smimedouble@example.com.crt') });
		expect(d.certificates[0]?.emails).toEqual(['smimedouble@example.com', 'smimedouble@example.de']);
		const c = await desk.importFile({ name: 'c', data: vector('zammad/CaseInsenstive@eXample.COM.crt') });
		expect(c.certificates[0]?.emails).toEqual(['caseinsenstive@example.com']);
		const s = await desk.importFile({ name: 's', data: vector('zammad/smime1@example.com.crt') });
		expect(s.certificates[0]?.subject).toBe('/C=DE/ST=Berlin/L=Berlin/O=Example Security/OU=IT Department/CN=example.com/emailAddress=smime1@example.com');
		expect(s.certificates[0]?.serial).toBe('1001');
		const sign = await desk.importFile({ name: 'sign', data: vector('zammad/alice@acme.corp+sign.crt') });
		expect(sign.certificates[0]?.usage).toEqual({ sign: true, encrypt: false });
		const enc = await desk.importFile({ name: 'enc', data: vector('zammad/alice@acme.corp+encrypt.crt') });
		expect(enc.certificates[0]?.usage).toEqual({ sign: false, encrypt: true });
	});

	test('issue_3727.key: encrypted key and certificate in one file, fingerprint as Zammad', async () => {
		const { desk } = await freshDesk();
		const r = await desk.importFile({ name: 'issue_3727.key', data: vector('zammad/issue_3727.key'), passphrase: '1234' });
		const expected = readFileSync(new URL('zammad/issue_3727.fingerprint', VECTORS), 'utf8').trim();
		expect(r.certificates.map((c) => c.sha1)).toEqual([expected]);
		expect(r.privateKeys).toEqual([{ fingerprint: r.certificates[0]?.fingerprint }]);
		const pem = await desk.certificatePem(r.certificates[0]?.fingerprint ?? '');
		expect(pem).toContain('CERTIFICATE');
		expect(pem).not.toContain('PRIVATE');
	});

	test('every encrypted .key with its certificate opens with 1234', async () => {
		const { desk } = await freshDesk();
		const pairs = zammadFiles.filter((f) => f.endsWith('.key') && zammadFiles.includes(f.replace(/\.key$/, '.crt')) && !f.includes('+ec') && /^(smime1|alice@acme.corp\+sign\+encrypt|chain)@?/.test(f));
		expect(pairs.length).toBeGreaterThanOrEqual(3);
		for (const key of pairs) {
			const crt = key.replace(/\.key$/, '.crt');
			await desk.importFile({ name: crt, data: vector(`zammad/${crt}`) });
			const r = await desk.importFile({ name: key, data: vector(`zammad/${key}`), passphrase: '1234' });
			expect(r.privateKeys).toHaveLength(1);
		}
		await expect(desk.importFile({ name: 'smime2@example.com.key', data: vector('zammad/smime2@example.com.key'), passphrase: 'alicelovesbob' })).rejects.toThrow('The passphrase is wrong.');
	});
});

describe('RFC 9216 example identities', () => {
	const ids: [string, string, string][] = [
		['lamps-alice.crt', 'lamps-alice.p8.pem', 'RSA'],
		['lamps-bob.encrypt.crt', 'lamps-bob.decrypt.p8.pem', 'RSA'],
		['lamps-carlos.crt', 'lamps-carlos.p8.pem', 'Ed25519'],
		['lamps-dana.encrypt.crt', 'lamps-dana.decrypt.p8.pem', 'X25519']
	];
	test.each(ids)('%s with %s', async (crt, key, algorithm) => {
		const { desk } = await freshDesk();
		const c = await desk.importFile({ name: crt, data: vector(`rfc9216/certs-and-keys/${crt}`) });
		expect(c.certificates[0]?.key.algorithm).toBe(algorithm);
		const k = await desk.importFile({ name: key, data: vector(`rfc9216/certs-and-keys/${key}`) });
		expect(k.privateKeys).toEqual([{ fingerprint: c.certificates[0]?.fingerprint }]);
	});
});
