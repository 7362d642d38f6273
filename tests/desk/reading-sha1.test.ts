/**
 * Issue 15, point 2: SHA-1 message signatures are refused by default. The admin setting
 * "Accept SHA-1 signatures" brings back the old reading (valid, with the weak-algorithm
 * warning); it is in settings(), logged when set, and read again by retry().
 */
import { expect, test } from 'vitest';
import { capabilitiesOf } from '../../src/lib/desk/certificates';
import { SHA1_REFUSED } from '../../src/lib/smime/comments';
import { cms, content, loadPki, signAs, withHeaders } from '../smime/mail';
import { freshDesk } from './receive-helpers';

const ROOT = '/CN=Sealdesk Test Root CA/O=Sealdesk Test';
const signedWith = (md: string, marker: string): Uint8Array => withHeaders(cms([...signAs('alice'), '-md', md], content(marker)));

test('off by default: settings() says so, and a SHA-1 signature by a trusted sender is invalid, naming SHA-1', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	expect(await desk.acceptSha1Signatures()).toBe(false);
	expect((await desk.settings()).acceptSha1Signatures).toBe(false);
	const a = await desk.receive(signedWith('sha1', 'default'));
	expect(a.security.sign).toEqual({ status: 'invalid', comment: SHA1_REFUSED });
	expect(a.security.sign.comment).toContain('SHA-1');
	// The content is still shown, as for any invalid signature, but nothing names the signer.
	expect(a.text).toContain('Hello from openssl: default');
	const [log] = await desk.logs();
	expect(log).toMatchObject({ direction: 'in', operation: 'verify', status: 'failed' });
});

test('SHA-256 is unaffected by the setting', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	const a = await desk.receive(signedWith('sha256', 'sha256'));
	expect(a.security.sign).toEqual({ status: 'valid', signer: 'alice@sealdesk.test', comment: ROOT });
});

test('turning it on and off is logged, shown by settings(), and retry() reads the current value', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	const first = await desk.receive(signedWith('sha1', 'retry'));
	expect(first.security.sign.status).toBe('invalid');

	await desk.setAcceptSha1Signatures(true);
	expect((await desk.settings()).acceptSha1Signatures).toBe(true);
	expect((await desk.logs())[0]).toMatchObject({ direction: 'admin', operation: 'setting', status: 'success', detail: 'Accept SHA-1 signatures: on' });
	const accepted = await desk.retry(first.id);
	expect(accepted.security.sign).toEqual({ status: 'valid', signer: 'alice@sealdesk.test', comment: `${ROOT} The signature uses SHA-1, a weak algorithm.` });

	await desk.setAcceptSha1Signatures(false);
	expect((await desk.logs())[0]).toMatchObject({ direction: 'admin', operation: 'setting', detail: 'Accept SHA-1 signatures: off' });
	const refused = await desk.retry(first.id);
	expect(refused.security.sign).toEqual({ status: 'invalid', comment: SHA1_REFUSED });
	expect((await desk.getArticle(first.id))?.security.sign.status).toBe('invalid');
});

test('a SHA-1 signature refused records no capabilities; accepted, it does', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, [], ['root-ca', 'alice']);
	const alice = (await desk.listCertificates()).find((c) => c.emails.includes('alice@sealdesk.test'));
	if (!alice) throw new Error('alice not imported');
	await desk.receive(signedWith('sha1', 'caps'));
	expect(await capabilitiesOf(desk.context, alice.fingerprint)).toBeNull();
	await desk.setAcceptSha1Signatures(true);
	await desk.receive(signedWith('sha1', 'caps accepted'));
	expect(await capabilitiesOf(desk.context, alice.fingerprint)).not.toBeNull();
});

test('MD5 stays refused with SHA-1 accepted', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	await desk.setAcceptSha1Signatures(true);
	const a = await desk.receive(signedWith('md5', 'md5'));
	expect(a.security.sign.status).toBe('invalid');
	expect(a.security.sign.comment).toMatch(/MD5/);
});

test('anything but true or false is refused, and nothing is logged', async () => {
	const { desk } = await freshDesk();
	const before = (await desk.logs()).length;
	await expect(desk.setAcceptSha1Signatures('yes' as unknown as boolean)).rejects.toThrow('The SHA-1 setting must be true or false.');
	expect(await desk.acceptSha1Signatures()).toBe(false);
	expect((await desk.logs()).length).toBe(before);
});
