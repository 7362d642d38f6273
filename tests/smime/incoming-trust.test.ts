/**
 * Trust decisions on incoming signatures with the shared test PKI: validity at the signing
 * time and now, EKU and keyUsage, intermediates from the message or the store.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk } from '../desk/receive-helpers';
import { PKI, openssl, text } from './helpers';
import { cms, content, loadPki, withHeaders } from './mail';

let desk: Desk;
let root: string;

beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, []);
	root = (await desk.listCertificates())[0]?.subject ?? '';
});

/** Signs as a fixture identity with or without the intermediate bundled. */
function signedBy(name: string, withIntermediate = true): Uint8Array {
	const args = ['-sign', '-signer', join(PKI, `${name}.pem`), '-inkey', join(PKI, `${name}.key`), ...(withIntermediate ? ['-certfile', join(PKI, 'inter-ca.pem')] : [])];
	return withHeaders(cms(args, content(name)), { from: `${name}@sealdesk.test` });
}

/** What OpenSSL says about a certificate, as Zammad's suffix shows it. */
function opensslFacts(name: string): { subject: string; sha1: string; start: string; end: string } {
	const out = text(openssl(['x509', '-in', join(PKI, `${name}.pem`), '-noout', '-subject', '-nameopt', 'compat', '-fingerprint', '-sha1', '-startdate', '-enddate']));
	const get = (re: RegExp): string => re.exec(out)?.[1] ?? '';
	const date = (s: string): string => `${new Date(s).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
	return {
		subject: get(/subject=(.*)/),
		sha1: get(/Fingerprint=(.*)/).replace(/:/g, '').toLowerCase(),
		start: date(get(/notBefore=(.*)/)),
		end: date(get(/notAfter=(.*)/))
	};
}

describe('validity', () => {
	test('an expired signer under a trusted root: expired, naming the certificate and its end date', async () => {
		const a = await desk.receive(signedBy('expired'));
		const f = opensslFacts('expired');
		expect(a.security.sign).toEqual({
			status: 'expired',
			signer: 'expired@sealdesk.test',
			comment: `${root}, ${f.subject} (Certificate ${f.sha1} with start date ${f.start} and end date ${f.end} expired!)`
		});
		expect(a.text).toContain('expired');
	});

	test('a not-yet-valid signer (2040-2045): expired status with the same note', async () => {
		const a = await desk.receive(signedBy('future'));
		expect(a.security.sign.status).toBe('expired');
		expect(a.security.sign.comment).toContain(`${opensslFacts('future').subject} (Certificate `);
	});

	test('an expired signer whose From is someone else: expired, and the comment also says it is not the sender', async () => {
		const mail = withHeaders(cms(['-sign', '-signer', join(PKI, 'expired.pem'), '-inkey', join(PKI, 'expired.key'), '-certfile', join(PKI, 'inter-ca.pem')], content('x')), { from: 'alice@sealdesk.test' });
		const a = await desk.receive(mail);
		expect(a.security.sign.status).toBe('expired');
		expect(a.security.sign.comment.endsWith('expired!) This message was not signed by its sender.')).toBe(true);
	});
});

describe('key usage and chains', () => {
	test('a TLS server certificate (EKU serverAuth) cannot sign mail: untrusted, with the reason', async () => {
		const a = await desk.receive(signedBy('tls'));
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toBe("The signer's certificate cannot be used: The certificate is not meant for e-mail protection.");
	});

	test('a sign-only RSA certificate (no keyEncipherment) signs fine', async () => {
		const a = await desk.receive(signedBy('signonly'));
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'signonly@sealdesk.test', comment: root });
	});

	test('the intermediate missing from the mail and the store: untrusted', async () => {
		// A desk of its own: the shared one has learned the intermediate from earlier valid mail (issue 15).
		const { desk: d } = await freshDesk({ now: new Date() });
		await loadPki(d, []);
		const a = await d.receive(signedBy('alice', false));
		expect(a.security.sign.status).toBe('untrusted');
	});

	test('the intermediate missing from the mail but stored: valid, the stored intermediate vouches', async () => {
		const { desk: d } = await freshDesk({ now: new Date() });
		await loadPki(d, [], ['root-ca', 'inter-ca']);
		const a = await d.receive(signedBy('alice', false));
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.sign.comment).toBe(opensslFacts('inter-ca').subject);
	});

	test('a certificate issued by an unrelated CA: untrusted', async () => {
		const mail = withHeaders(cms(['-sign', '-signer', join(PKI, 'rogue-ca.pem'), '-inkey', join(PKI, 'rogue-ca.key')], content('rogue')), { from: 'rogue@sealdesk.test' });
		const a = await desk.receive(mail);
		expect(a.security.sign.status).toBe('untrusted');
	});
});
