/**
 * Issue 15, point 8: the certificates of trusted signers are kept. After a valid signed mail
 * from alice (chaining to the imported root), an encrypted reply to alice works; nothing is
 * learned from untrusted, invalid, expired or sender-mismatch mail; a newer certificate is kept
 * beside the older one and encryption uses the newest valid one. The messages are openssl's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { PKI, openssl, opensslOk, text, tmpFile } from '../smime/helpers';
import { cms, content, loadPki, signAs } from '../smime/mail';
import { dated, soon } from '../smime/mail-now';
import { freshDesk } from './receive-helpers';

const ALICE = 'alice@sealdesk.test';
const BOB = 'bob@sealdesk.test';

/** A desk as the support team has it: the root CA, and bob's (the support address's) certificate and key. */
async function supportDesk(): Promise<Desk> {
	const { desk } = await freshDesk({ now: soon() });
	await loadPki(desk, ['bob']);
	return desk;
}

const fingerprintOf = (pem: string): string =>
	/=([0-9A-F:]+)/.exec(text(openssl(['x509', '-in', pem, '-noout', '-fingerprint', '-sha256'])))?.[1]?.replace(/:/g, '').toLowerCase() ?? '';

/** A second certificate for alice, issued now by the test intermediate CA, with its own key. */
function newAliceCertificate(): { cert: string; key: string } {
	const key = tmpFile('', 'key');
	openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
	const csr = tmpFile(openssl(['req', '-new', '-key', key, '-subj', `/O=Sealdesk Test/CN=alice (2)/emailAddress=${ALICE}`]), 'csr');
	const ext = tmpFile(
		'[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\nextendedKeyUsage=emailProtection\nsubjectAltName=email:copy\nauthorityKeyIdentifier=keyid\n',
		'cnf'
	);
	const cert = tmpFile('', 'pem');
	openssl(['x509', '-req', '-in', csr, '-CA', join(PKI, 'inter-ca.pem'), '-CAkey', join(PKI, 'inter-ca.key'), '-set_serial', String(Date.now()), '-days', '400', '-extfile', ext, '-extensions', 'leaf', '-out', cert]);
	return { cert, key };
}

describe('the agent flow', () => {
	test('a valid signed mail from alice, then an encrypted reply to alice works', async () => {
		const desk = await supportDesk();
		const before = await desk.securityOptions({ from: BOB, to: [ALICE] });
		expect(before.encrypt).toMatchObject({ possible: false, comment: `The certificate for ${ALICE} was not found.` });

		const a = await desk.receive(dated(cms([...signAs('alice'), '-md', 'sha256'], content('learn me')), { from: `Alice <${ALICE}>`, to: BOB }));
		expect(a.security.sign.status).toBe('valid');

		const learned = (await desk.listCertificates()).filter((c) => c.source === 'mail');
		expect(learned.map((c) => c.subject).sort()).toEqual(['/CN=Sealdesk Test Intermediate CA/O=Sealdesk Test', '/CN=alice/emailAddress=alice@sealdesk.test/O=Sealdesk Test'].sort());
		expect(learned.find((c) => !c.isCA)?.fingerprint).toBe(fingerprintOf(join(PKI, 'alice.pem')));
		expect((await desk.listCertificates()).filter((c) => c.source === 'import').map((c) => c.emails[0] ?? c.subject)).toEqual(
			expect.arrayContaining([BOB])
		);
		const logs = (await desk.logs()).filter((l) => l.operation === 'learn-certificate');
		expect(logs).toHaveLength(2);
		for (const l of logs) {
			expect(l).toMatchObject({ direction: 'in', status: 'success', messageId: a.messageId });
			expect(l.detail).toMatch(/^Learned from a valid signed mail: certificate \/CN=/);
		}

		const options = await desk.securityOptions({ from: BOB, to: [ALICE] });
		expect(options.encrypt).toMatchObject({ possible: true, comment: `The certificate for ${ALICE} was found.` });
		const sent = await desk.compose({ from: BOB, to: [ALICE], subject: 'Re: Test', text: 'Your printer is fixed.', sign: true, encrypt: true });
		expect(sent.encrypted).toBe(true);
		const decrypted = text(openssl(['cms', '-decrypt', '-recip', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-in', tmpFile(sent.raw, 'eml')]));
		expect(decrypted).toContain('multipart/signed');

		// Checking the mail again stores nothing twice and logs no second learning.
		await desk.retry(a.id);
		expect((await desk.logs()).filter((l) => l.operation === 'learn-certificate')).toHaveLength(2);
		expect((await desk.listCertificates()).filter((c) => c.source === 'mail')).toHaveLength(2);
	});
});

describe('learning adds no trust', () => {
	test('learned certificates find a signer and serve as intermediates, but are never anchors', async () => {
		const desk = await supportDesk();
		await desk.receive(dated(cms(signAs('alice'), content('first')), { from: ALICE }));
		// A later mail without certificates: alice and her CA come from what was learned, the root vouches.
		const bare = ['-sign', '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-nocerts'];
		const later = await desk.receive(dated(cms(bare, content('no certificates')), { from: ALICE }));
		expect(later.security.sign).toEqual({ status: 'valid', signer: ALICE, comment: '/CN=Sealdesk Test Root CA/O=Sealdesk Test' });
		// Without the imported root, the learned leaf and intermediate vouch for nothing.
		const root = (await desk.listCertificates()).find((c) => c.subject === '/CN=Sealdesk Test Root CA/O=Sealdesk Test');
		await desk.deleteCertificate(root?.fingerprint ?? '');
		const again = await desk.retry(later.id);
		expect(again.security.sign.status).toBe('untrusted');
	});
});

describe('never learned', () => {
	const cases: [string, () => Promise<{ desk: Desk; raw: Uint8Array }>, string][] = [
		[
			'untrusted: the chain ends at nothing imported',
			async () => ({ desk: (await freshDesk({ now: soon() })).desk, raw: dated(cms(signAs('alice'), content('untrusted')), { from: ALICE }) }),
			'untrusted'
		],
		[
			'sender-mismatch: signed by alice, From is mallory',
			async () => ({ desk: await supportDesk(), raw: dated(cms(signAs('alice'), content('mismatch')), { from: 'mallory@sealdesk.test' }) }),
			'sender-mismatch'
		],
		[
			'invalid: the signed text was changed',
			async () => {
				const signed = text(cms(signAs('alice'), content('original words')));
				return { desk: await supportDesk(), raw: dated(signed.replace('original words', 'changed words!'), { from: ALICE }) };
			},
			'invalid'
		],
		[
			'expired: the signer certificate is out of its validity',
			async () => ({ desk: await supportDesk(), raw: dated(cms(signAs('expired'), content('expired')), { from: 'expired@sealdesk.test' }) }),
			'expired'
		]
	];

	test.each(cases)('%s', async (_name, make, status) => {
		const { desk, raw } = await make();
		const storedBefore = (await desk.listCertificates()).map((c) => c.fingerprint).sort();
		const a = await desk.receive(raw);
		expect(a.security.sign.status).toBe(status);
		expect((await desk.listCertificates()).map((c) => c.fingerprint).sort()).toEqual(storedBefore);
		expect((await desk.logs()).some((l) => l.operation === 'learn-certificate')).toBe(false);
	});
});

describe('a newer certificate for the same address', () => {
	test('is kept beside the older one, and encryption uses the newest valid one', async () => {
		const desk = await supportDesk();
		await desk.receive(dated(cms(signAs('alice'), content('old certificate')), { from: ALICE }));
		const second = newAliceCertificate();
		const args = ['-sign', '-signer', second.cert, '-inkey', second.key, '-certfile', join(PKI, 'inter-ca.pem')];
		const b = await desk.receive(dated(cms(args, content('new certificate')), { from: ALICE }));
		expect(b.security.sign.status).toBe('valid');

		const alices = (await desk.listCertificates()).filter((c) => c.emails.includes(ALICE));
		expect(alices.map((c) => c.fingerprint).sort()).toEqual([fingerprintOf(join(PKI, 'alice.pem')), fingerprintOf(second.cert)].sort());
		expect(alices.every((c) => c.source === 'mail')).toBe(true);

		const sent = await desk.compose({ from: BOB, to: [ALICE], subject: 'Re: Test', text: 'To your new key.', sign: false, encrypt: true });
		expect(sent.recipients).toContain(fingerprintOf(second.cert));
		expect(sent.recipients).not.toContain(fingerprintOf(join(PKI, 'alice.pem')));
		const message = tmpFile(sent.raw, 'eml');
		expect(text(openssl(['cms', '-decrypt', '-recip', second.cert, '-inkey', second.key, '-in', message]))).toContain('To your new key.');
		expect(opensslOk(['cms', '-decrypt', '-recip', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-in', message])).toBe(false);
	});

	test('an older certificate for an address, once imported, is not replaced by learning a newer one', async () => {
		const desk = await supportDesk();
		await desk.importFile({ name: 'alice.pem', data: readFileSync(join(PKI, 'alice.pem'), 'utf8') });
		const second = newAliceCertificate();
		const args = ['-sign', '-signer', second.cert, '-inkey', second.key, '-certfile', join(PKI, 'inter-ca.pem')];
		await desk.receive(dated(cms(args, content('new certificate')), { from: ALICE }));
		const alices = await desk.listCertificates();
		expect(alices.find((c) => c.fingerprint === fingerprintOf(join(PKI, 'alice.pem')))?.source).toBe('import');
		expect(alices.find((c) => c.fingerprint === fingerprintOf(second.cert))?.source).toBe('mail');
	});
});
