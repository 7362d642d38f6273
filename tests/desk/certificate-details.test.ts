/**
 * Issue 17, point 4: the details view's facts come from the desk in one call. The chain verdict
 * is judged in the desk against the imported certificates (never the certificate itself), at
 * the instant the page passes; learned certificates are intermediates, never anchors.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { LEARNED_CA, LEARNED_UNTRUSTED, TRUSTED_AS_ITSELF } from '../../src/lib/desk/certificates';
import { PKI, freshDesk } from './receive-helpers';
import { cms, content, signAs } from '../smime/mail';
import { dated, soon } from '../smime/mail-now';
import { tmpFile } from '../smime/helpers';

const NOW = new Date('2027-06-01T00:00:00Z');
const ROOT = '/CN=Sealdesk Test Root CA/O=Sealdesk Test';
const INTER = '/CN=Sealdesk Test Intermediate CA/O=Sealdesk Test';

async function load(desk: Desk, ...names: string[]): Promise<Record<string, string>> {
	const fps: Record<string, string> = {};
	for (const name of names) {
		const r = await desk.importFile({ name: `${name}.pem`, data: readFileSync(join(PKI, `${name}.pem`), 'utf8') });
		fps[name] = r.certificates[0]?.fingerprint ?? '';
	}
	return fps;
}

function opensslLine(name: string, heading: string): string {
	const text = execFileSync('openssl', ['x509', '-in', join(PKI, `${name}.pem`), '-noout', '-text'], { encoding: 'utf8' }).split('\n');
	return text[text.findIndex((l) => l.trim().startsWith(heading)) + 1]?.trim() ?? '';
}

describe('certificateDetails', () => {
	test('trusted: alice chains to the imported intermediate; SAN, key usage and EKU as openssl reads them', async () => {
		const { desk } = await freshDesk({ now: NOW });
		const fp = await load(desk, 'root-ca', 'inter-ca', 'alice');
		const details = await desk.certificateDetails(fp.alice ?? '');
		expect(details.info).toEqual(await desk.getCertificate(fp.alice ?? ''));
		expect(details.subjectAltNames.join(', ')).toBe(opensslLine('alice', 'X509v3 Subject Alternative Name').replace(/email:/g, 'email: '));
		expect(details.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment']);
		expect(opensslLine('alice', 'X509v3 Key Usage')).toBe('Digital Signature, Non Repudiation, Key Encipherment');
		expect(details.extendedKeyUsage).toEqual(['emailProtection']);
		expect(details.chain).toEqual({ status: 'chained', anchor: INTER, sentence: `Chains to the imported certificate ${INTER}.` });
		// What crosses the worker boundary is plain data.
		expect(structuredClone(details)).toEqual(details);
	});

	test('untrusted: an imported leaf no other imported certificate issued is trusted only as itself, not as its own anchor', async () => {
		const { desk } = await freshDesk({ now: NOW });
		const fp = await load(desk, 'alice', 'bob');
		expect((await desk.certificateDetails(fp.alice ?? '')).chain).toEqual({ status: 'anchor-only', sentence: TRUSTED_AS_ITSELF });
	});

	test('expired: the path still leads to the anchor, and what is not valid at the given instant is named', async () => {
		const { desk } = await freshDesk({ now: NOW });
		const fp = await load(desk, 'root-ca', 'inter-ca', 'expired');
		const expired = '/CN=expired/emailAddress=expired@sealdesk.test/O=Sealdesk Test';
		const now = await desk.certificateDetails(fp.expired ?? '');
		expect(now.chain.sentence).toBe(`Chains to the imported certificate ${INTER}. Not valid at this time: ${expired}.`);
		// Judged at the instant the page passes (2020: the leaf was valid, the intermediate not yet).
		const then = await desk.certificateDetails(fp.expired ?? '', new Date('2020-06-01T00:00:00Z'));
		expect(then.chain.sentence).toBe(`Chains to the imported certificate ${INTER}. Not valid at this time: ${INTER}.`);
	});

	test('CA: a self-signed root and an imported intermediate are anchors; key usage without EKU', async () => {
		const { desk } = await freshDesk({ now: NOW });
		const fp = await load(desk, 'root-ca', 'inter-ca');
		const root = await desk.certificateDetails(fp['root-ca'] ?? '');
		expect(root.chain).toEqual({ status: 'anchor-only', sentence: 'Self-signed CA: trusted because it is imported.' });
		expect(root.keyUsage).toEqual(opensslLine('root-ca', 'X509v3 Key Usage') === 'Certificate Sign, CRL Sign' ? ['keyCertSign', 'cRLSign'] : ['unexpected openssl output']);
		expect(root.extendedKeyUsage).toBeNull();
		expect(root.subjectAltNames).toEqual([]);
		expect((await desk.certificateDetails(fp['inter-ca'] ?? '')).chain).toEqual({ status: 'anchor-only', sentence: 'Imported CA: trusted as an anchor for the certificates it issued.' });
	});

	test('unfit: a leaf with a critical extension nobody understands', async () => {
		const key = tmpFile('', 'key');
		execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
		const csr = tmpFile(execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=odd/emailAddress=odd@sealdesk.test']), 'csr');
		const ext = tmpFile('[leaf]\nbasicConstraints=CA:FALSE\nsubjectAltName=email:odd@sealdesk.test\n1.3.6.1.4.1.99999.1=critical,ASN1:NULL\n', 'cnf');
		const cert = execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(PKI, 'inter-ca.pem'), '-CAkey', join(PKI, 'inter-ca.key'), '-set_serial', '7', '-days', '30', '-extfile', ext, '-extensions', 'leaf'], { encoding: 'utf8' });
		const { desk } = await freshDesk();
		await load(desk, 'root-ca', 'inter-ca');
		const fp = (await desk.importFile({ name: 'odd.pem', data: cert })).certificates[0]?.fingerprint ?? '';
		expect((await desk.certificateDetails(fp)).chain).toEqual({ status: 'unfit', sentence: 'The certificate has a critical extension we do not understand.' });
	});

	test('learned: a learned leaf chains through a learned intermediate; a learned CA is never an anchor; without the root it is not trusted', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const fp = await load(desk, 'root-ca');
		const mail = await desk.receive(dated(cms([...signAs('alice'), '-md', 'sha256'], content('learn me')), { from: 'Alice <alice@sealdesk.test>', to: 'bob@sealdesk.test' }));
		expect(mail.security.sign.status).toBe('valid');
		const learned = (await desk.listCertificates()).filter((c) => c.source === 'mail');
		const alice = learned.find((c) => !c.isCA)?.fingerprint ?? '';
		const inter = learned.find((c) => c.isCA)?.fingerprint ?? '';
		expect((await desk.certificateDetails(alice)).chain).toEqual({ status: 'chained', anchor: ROOT, sentence: `Chains to the imported certificate ${ROOT}.` });
		expect((await desk.certificateDetails(inter)).chain).toEqual({ status: 'untrusted', sentence: LEARNED_CA });
		await desk.deleteCertificate(fp['root-ca'] ?? '');
		expect((await desk.certificateDetails(alice)).chain).toEqual({ status: 'untrusted', sentence: LEARNED_UNTRUSTED });
	});

	test('an unknown fingerprint is refused with the sentence certificatePem uses', async () => {
		const { desk } = await freshDesk({ now: NOW });
		await expect(desk.certificateDetails('00'.repeat(32))).rejects.toThrow('No certificate has this fingerprint.');
	});
});
