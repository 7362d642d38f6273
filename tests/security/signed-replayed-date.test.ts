/**
 * Attack (issue 15, point 3): an old signed mail replayed under a new Date. The Date header is
 * not signed, so a signature whose signingTime is more than an hour away from it is not valid
 * (Thunderbird's rule): `invalid`, with a sentence naming both times in UTC. No check when
 * either time is missing. The mails are real `openssl cms -sign` output; the signingTime is
 * read back from each one, and the Date header is set around it.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk } from '../desk/receive-helpers';
import { extractBase64Part } from '../cms/signed-helpers';
import { PKI, openssl, text, tmpFile } from '../smime/helpers';
import { cms, content, loadPki, signAs, withHeaders } from '../smime/mail';

const HOUR = 3600_000;
const ROOT = '/CN=Sealdesk Test Root CA/O=Sealdesk Test';
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const mismatch = (signed: Date, dated: Date): string =>
	`The signature is invalid: It was made at ${iso(signed)}, but the message is dated ${iso(dated)}; the two are more than an hour apart.`;

/** A detached-signed entity from openssl, and the signingTime it carries. */
async function signedEntity(marker: string, extra: string[] = []): Promise<{ entity: Uint8Array; signingTime: Date | undefined }> {
	const entity = cms([...signAs('alice'), ...extra], content(marker));
	const der = extractBase64Part(text(entity), /Content-Type: application\/(x-)?pkcs7-signature/);
	const r = await verifySignedData({ der, detachedContent: new Uint8Array(), crypto });
	const s = r.signers[0];
	return { entity, signingTime: s && 'signingTime' in s ? s.signingTime : undefined };
}

let desk: Desk;
let signed: { entity: Uint8Array; signingTime: Date };

beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, []);
	const s = await signedEntity('replayed');
	if (!s.signingTime) throw new Error('openssl wrote no signingTime');
	signed = { entity: s.entity, signingTime: s.signingTime };
});

const receiveDated = (date: Date | string | null): ReturnType<Desk['receive']> =>
	desk.receive(withHeaders(signed.entity, { date: date instanceof Date ? date.toUTCString() : date }));

describe('the boundary: one hour either way', () => {
	test('dated exactly one hour after the signing time: valid', async () => {
		const a = await receiveDated(new Date(signed.signingTime.getTime() + HOUR));
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'alice@sealdesk.test', comment: ROOT });
	});

	test('dated one hour and one second after: invalid, naming both times', async () => {
		const date = new Date(signed.signingTime.getTime() + HOUR + 1000);
		const a = await receiveDated(date);
		expect(a.security.sign).toEqual({ status: 'invalid', comment: mismatch(signed.signingTime, date) });
		expect(a.security.layers).toEqual([{ kind: 'signed', form: 'detached', status: 'invalid', covers: 'content' }]);
	});

	test('dated exactly one hour before the signing time: valid', async () => {
		const a = await receiveDated(new Date(signed.signingTime.getTime() - HOUR));
		expect(a.security.sign.status).toBe('valid');
	});

	test('dated one hour and one second before: invalid', async () => {
		const date = new Date(signed.signingTime.getTime() - HOUR - 1000);
		const a = await receiveDated(date);
		expect(a.security.sign).toEqual({ status: 'invalid', comment: mismatch(signed.signingTime, date) });
	});

	test('a replay years later, in another time zone: invalid, both times given in UTC', async () => {
		const a = await receiveDated('Fri, 01 Dec 2034 09:30:00 +0530');
		expect(a.security.sign).toEqual({ status: 'invalid', comment: mismatch(signed.signingTime, new Date('2034-12-01T04:00:00Z')) });
		expect(a.security.sign.comment).toContain('2034-12-01T04:00:00Z');
	});
});

describe('no check when either time is missing', () => {
	test('no Date header: valid', async () => {
		expect((await receiveDated(null)).security.sign.status).toBe('valid');
	});

	test('a Date header that cannot be read: valid', async () => {
		expect((await receiveDated('the day before yesterday')).security.sign.status).toBe('valid');
	});

	test('no signingTime (openssl -noattr): valid under any date', async () => {
		const s = await signedEntity('no attributes', ['-noattr']);
		expect(s.signingTime).toBeUndefined();
		const a = await desk.receive(withHeaders(s.entity, { date: 'Mon, 1 Jan 2001 00:00:00 +0000' }));
		expect(a.security.sign.status).toBe('valid');
	});
});

describe('where the rule applies', () => {
	test('an opaque signed mail replayed: invalid', async () => {
		const opaque = cms([...signAs('alice'), '-nodetach'], content('opaque replay'));
		const a = await desk.receive(withHeaders(opaque, { date: 'Mon, 1 Jan 2001 00:00:00 +0000' }));
		expect(a.security.sign.status).toBe('invalid');
		expect(a.security.sign.comment).toContain('2001-01-01T00:00:00Z');
	});

	test('a signed-then-encrypted mail replayed: the inner signature is invalid and the content is withheld', async () => {
		const { desk: d } = await freshDesk({ now: new Date() });
		await loadPki(d, ['bob']);
		const inner = cms(signAs('alice'), content('encrypted replay'));
		const mail = withHeaders(openssl(['cms', '-encrypt', '-aes256', '-recip', join(PKI, 'bob.pem'), '-in', tmpFile(inner, 'eml')]), {
			date: 'Mon, 1 Jan 2001 00:00:00 +0000'
		});
		const a = await d.receive(mail);
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.security.sign.status).toBe('invalid');
		expect(a.security.sign.comment).toContain('2001-01-01T00:00:00Z');
		expect(a.text).toBe('');
	});

	test('precedence: an untrusted signer with a mismatched time reads invalid (invalid comes first)', async () => {
		const { desk: bare } = await freshDesk({ now: new Date() });
		const inTime = await bare.receive(withHeaders(signed.entity));
		expect(inTime.security.sign.status).toBe('untrusted');
		const replayed = await bare.receive(withHeaders(signed.entity, { date: 'Mon, 1 Jan 2001 00:00:00 +0000' }));
		expect(replayed.security.sign.status).toBe('invalid');
	});

	test('retry checks it again, against the Date stored with the mail', async () => {
		const a = await receiveDated('Mon, 1 Jan 2001 00:00:00 +0000');
		expect((await desk.retry(a.id)).security.sign.status).toBe('invalid');
	});
});
