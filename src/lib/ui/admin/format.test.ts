import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeCertificate } from '$lib/pki/describe';
import { parsePem } from '$lib/pki/pem';
import type { CertificateInfo } from '$lib/pki/describe';
import { certificateBadges, certificateLabel, expirySummary, filterByEmail, formatBytes, importSummaryText, sortCertificates } from './format';

const PKI = new URL('../../../../tests/fixtures/pki/', import.meta.url);

async function load(name: string): Promise<CertificateInfo> {
	const block = parsePem(readFileSync(new URL(`${name}.pem`, PKI), 'utf8'))[0];
	if (!block) throw new Error(`no certificate in ${name}.pem`);
	return describeCertificate(block.der, crypto);
}

describe('admin list wording over the openssl-made test PKI', () => {
	it('labels a certificate by email, else by CN', async () => {
		expect(certificateLabel(await load('alice'))).toBe('alice@sealdesk.test');
		expect(certificateLabel(await load('root-ca'))).toBe('Sealdesk Test Root CA');
	});

	it('gives the badges at a given time, in text', async () => {
		const alice = { ...(await load('alice')), hasPrivateKey: true };
		const texts = (info: CertificateInfo, at: string): string[] => certificateBadges(info, new Date(at)).map((b) => b.text);
		expect(texts(alice, '2030-01-01T00:00:00Z')).toEqual(['Including private key', 'sign', 'encrypt']);
		expect(texts(alice, '2046-01-01T00:00:00Z')).toContain('expired');
		expect(texts(alice, '2020-01-01T00:00:00Z')).toContain('not yet valid');
		const end = new Date(Date.parse(alice.notAfter) - 10 * 24 * 3600 * 1000).toISOString();
		expect(texts(alice, end)).toContain('expires within 30 days');
		expect(texts(await load('inter-ca'), '2030-01-01T00:00:00Z')[0]).toBe('CA');
		expect(texts(await load('signonly'), '2030-01-01T00:00:00Z')).not.toContain('encrypt');
		expect(texts(await load('expired'), '2030-01-01T00:00:00Z')).toContain('expired');
		// Issue 15: certificates kept from valid signed mail say so; imported ones (or older records) do not.
		expect(texts({ ...alice, source: 'mail' }, '2030-01-01T00:00:00Z')).toContain('learned from mail');
		expect(texts({ ...alice, source: 'import' }, '2030-01-01T00:00:00Z')).not.toContain('learned from mail');
	});

	it('sorts and filters by email, case-insensitively', async () => {
		const list = await Promise.all(['bob', 'alice', 'root-ca', 'future'].map(load));
		expect(sortCertificates(list, 'email').map(certificateLabel)).toEqual(['alice@sealdesk.test', 'bob@sealdesk.test', 'future@sealdesk.test', 'Sealdesk Test Root CA']);
		expect(sortCertificates(list, 'notBefore')[3]?.emails).toEqual(['future@sealdesk.test']);
		expect(filterByEmail(list, ' BOB@ ').map(certificateLabel)).toEqual(['bob@sealdesk.test']);
		expect(filterByEmail(list, '')).toHaveLength(4);
	});

	it('summarises an import in one sentence', async () => {
		const alice = await load('alice');
		const inter = await load('inter-ca');
		expect(importSummaryText([alice], [], [])).toBe('Imported the certificate of alice@sealdesk.test.');
		expect(importSummaryText([alice], [{ fingerprint: alice.fingerprint }], [])).toBe('Imported the certificate of alice@sealdesk.test and its private key.');
		expect(importSummaryText([], [{ fingerprint: alice.fingerprint }], [alice])).toBe('Imported the private key of alice@sealdesk.test.');
		expect(importSummaryText([alice, inter], [{ fingerprint: alice.fingerprint }], [])).toBe(
			'Imported 2 certificates (alice@sealdesk.test, Sealdesk Test Intermediate CA) and the private key of alice@sealdesk.test.'
		);
	});

	it('issue 19: sorts by every column, both ways; says when an imported certificate has expired or expires soon; sums up expiry', async () => {
		const list = await Promise.all(['bob', 'alice', 'expired', 'future'].map(load));
		expect(sortCertificates(list, 'notAfter')[0]?.emails).toEqual(['expired@sealdesk.test']);
		expect(sortCertificates(list, 'notAfter', true).at(-1)?.emails).toEqual(['expired@sealdesk.test']);
		expect(sortCertificates(list, 'sha1').map((c) => c.sha1)).toEqual(list.map((c) => c.sha1).sort());
		const withKey = list.map((c) => ({ ...c, hasPrivateKey: c.emails[0] === 'bob@sealdesk.test' }));
		expect(sortCertificates(withKey, 'key')[0]?.emails).toEqual(['bob@sealdesk.test']);
		const now = new Date('2030-01-01T00:00:00Z');
		const expired = list[2];
		if (!expired) throw new Error('no expired certificate');
		expect(importSummaryText([expired], [], [], now)).toMatch(/^Imported the certificate of expired@sealdesk\.test\. The certificate of expired@sealdesk\.test expired on .*2021.*\.$/);
		const alice = list[1];
		if (!alice) throw new Error('no alice');
		const soon = new Date(Date.parse(alice.notAfter) - 5 * 24 * 3600 * 1000);
		expect(importSummaryText([alice], [], [], soon)).toMatch(/expires on .*, within 30 days\.$/);
		expect(importSummaryText([alice], [], [], now)).toBe('Imported the certificate of alice@sealdesk.test.');
		expect(expirySummary(list, now)).toBe('1 certificate has expired.');
		expect(expirySummary([alice, { ...alice, fingerprint: 'x' }], soon)).toBe('2 certificates expire within 30 days.');
		expect(expirySummary([alice, list[2] ?? alice], soon)).toBe('1 certificate expires within 30 days. 1 certificate has expired.');
		expect(expirySummary([alice], now)).toBe('');
	});

	it('formats sizes in binary units', () => {
		expect(formatBytes(512)).toBe('512 bytes');
		expect(formatBytes(1536)).toBe('1.5 KB');
	});
});
