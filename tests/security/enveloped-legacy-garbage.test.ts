/**
 * Attack (issue 15, point 7): garbage shown as decrypted. RSA PKCS#1 v1.5 implicit rejection
 * turns a damaged encrypted key into a pseudo-random content key, deterministic for that
 * ciphertext, and about 1 in 256 of those passes the CBC padding check. A message carrying such
 * a RecipientInfo for our key showed garbage as `decrypted`, on every run. Content decrypted
 * through the legacy path is now accepted only as a well-formed MIME entity; when several
 * RecipientInfos match, the next is tried (decrypting in place only on the last try, so garbage
 * cannot overwrite the ciphertext the real one needs); otherwise the uniform failure sentence.
 *
 * The envelope is real `openssl cms -encrypt` output; the damaged encrypted key that passes
 * the padding check is searched for at test time (a few hundred RSA operations).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { children, octets, parseOne } from '../../src/lib/cms/enveloped-asn1';
import { DECRYPT_FAILED_COMMENT, decryptContent } from '../../src/lib/cms/enveloped';
import { rsaPkcs1DecryptImplicit } from '../../src/lib/legacy/rsa-pkcs1';
import { isWellFormedEntity } from '../../src/lib/mime/well-formed';
import { pkiCandidate, readPem } from '../cms/enveloped-helpers';
import { freshDesk } from '../desk/receive-helpers';
import { PKI, openssl, text, tmpFile } from '../smime/helpers';
import { loadPki, withHeaders } from '../smime/mail';
import { editRecipientInfos, withEncryptedKey } from '../smime/envelope-edit';
import { own } from '../../src/lib/base/memory';

/** Over 64 KB, so that AES-CBC really decrypts in place (smaller content is decrypted in one call). */
const SECRET = `Content-Type: text/plain; charset=utf-8\r\n\r\nThe real secret.\r\n${'0123456789'.repeat(7).concat('\r\n').repeat(1500)}`;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Found {
	envelope: Uint8Array;
	real: Uint8Array;
	/** A KTRI for bob whose implicit-rejection key decrypts the content with valid CBC padding. */
	garbage: Uint8Array;
}

/** The content IV and ciphertext of an AES-CBC EnvelopedData. */
function cbcParts(der: Uint8Array): { iv: Uint8Array; ciphertext: Uint8Array } {
	const env = children(children(parseOne(der))[1] ?? parseOne(der))[0];
	const eci = env ? children(env)[2] : undefined;
	const [, alg, enc] = eci ? children(eci) : [];
	const iv = alg ? children(alg)[1] : undefined;
	if (!iv || !enc) throw new Error('not an AES-CBC EnvelopedData');
	return { iv: octets(iv), ciphertext: octets(enc) };
}

async function paddingPasses(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<boolean> {
	const k = await crypto.subtle.importKey('raw', key.slice(), 'AES-CBC', false, ['decrypt']);
	// Only the last block decides the padding: decrypt it with the block before it as IV.
	const last = ciphertext.subarray(ciphertext.length - 16);
	const before = ciphertext.length > 16 ? ciphertext.subarray(ciphertext.length - 32, ciphertext.length - 16) : iv;
	try {
		await crypto.subtle.decrypt({ name: 'AES-CBC', iv: before.slice() }, k, last.slice());
		return true;
	} catch {
		return false;
	}
}

async function findGarbage(): Promise<Found> {
	const bobKey = readPem(join(PKI, 'bob.key'));
	for (let attempt = 0; attempt < 3; attempt++) {
		const envelope = openssl(['cms', '-encrypt', '-aes256', '-binary', '-outform', 'DER', '-recip', join(PKI, 'bob.pem'), '-in', tmpFile(SECRET, 'eml')]);
		let real: Uint8Array | undefined;
		editRecipientInfos(envelope, (ris) => {
			real = ris[0];
			return ris;
		});
		if (!real) throw new Error('no RecipientInfo');
		const { iv, ciphertext } = cbcParts(envelope);
		for (let i = 0; i < 2000; i++) {
			const damaged = crypto.getRandomValues(new Uint8Array(256));
			const key = await rsaPkcs1DecryptImplicit(bobKey, damaged, 32, crypto);
			if (await paddingPasses(key, iv, ciphertext)) return { envelope, real, garbage: withEncryptedKey(real, damaged) };
		}
	}
	throw new Error('no padding-valid implicit-rejection key found');
}

let found: Found;
const withRis = (ris: (f: Found) => Uint8Array[]): Uint8Array => editRecipientInfos(found.envelope, () => ris(found));
const p7m = (der: Uint8Array): Uint8Array =>
	withHeaders(
		'MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
			`${(Buffer.from(der).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')}\r\n`
	);

beforeAll(async () => {
	found = await findGarbage();
}, 120_000);

describe('the engine', () => {
	test('without the check, the garbage RecipientInfo "decrypts" (the attack is real)', async () => {
		const r = await decryptContent({ der: withRis((f) => [f.garbage]), candidates: [await pkiCandidate('bob')], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') {
			expect(text(r.content)).not.toContain('The real secret.');
			expect(isWellFormedEntity(r.content)).toBe(false);
		}
	});

	test('with the MIME check: the garbage alone fails with the uniform sentence', async () => {
		const r = await decryptContent({ der: withRis((f) => [f.garbage]), candidates: [await pkiCandidate('bob')], crypto, plausible: isWellFormedEntity });
		expect(r).toEqual({ status: 'failed', comment: DECRYPT_FAILED_COMMENT });
	});

	for (const inPlace of [false, true]) {
		test(`garbage first, then the real RecipientInfo: the real content${inPlace ? ', decrypting in place' : ''}`, async () => {
			const der = withRis((f) => [f.garbage, f.real]);
			const r = await decryptContent({ der: inPlace ? own(der) : der, candidates: [await pkiCandidate('bob')], crypto, plausible: isWellFormedEntity });
			expect(r.status).toBe('decrypted');
			if (r.status === 'decrypted') expect(text(r.content)).toBe(SECRET);
		});
	}
});

describe('desk.receive', () => {
	test('the garbage alone: failed, with the same sentence as any other failure, nothing shown', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		const a = await desk.receive(p7m(withRis((f) => [f.garbage])));
		expect(a.security.encryption).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
		expect(a.text).toBe('');
		expect(a.attachments).toEqual([]);
		// A damaged key whose padding fails reads exactly the same: no step is revealed.
		const other = await desk.receive(p7m(withRis((f) => [withEncryptedKey(f.real, new Uint8Array(256).fill(3))])));
		expect(other.security.encryption).toEqual(a.security.encryption);
	});

	test('garbage first, then the real one, from a dropped file (decrypted within its own bytes): the real text', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		const a = await desk.receive(new Blob([p7m(withRis((f) => [f.garbage, f.real])) as Uint8Array<ArrayBuffer>]));
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.text).toContain('The real secret.');
	});
});

describe('isWellFormedEntity', () => {
	test('accepts entities as mail clients write them', () => {
		for (const s of [
			SECRET,
			'Content-Type: text/plain\n\nLF only\n',
			'Content-Type: multipart/mixed;\r\n boundary="x"\r\nMIME-Version: 1.0\r\n\r\n--x--\r\n',
			'Subject: =?utf-8?q?caf=C3=A9?=\r\nX-Name: café\r\n\r\n',
			'Content-Type: text/plain\r\n\r\n'
		])
			expect(isWellFormedEntity(bytes(s)), s).toBe(true);
	});

	test('refuses what is not a header block', () => {
		for (const s of [
			'',
			'Hello, no headers here.\r\n',
			'\r\nbody without headers',
			' folded: first line\r\n\r\n',
			'Content-Type: text/plain\r\n', // no empty line
			'Content-Type: text/plain\r\nSubject: x', // cut off
			'Bad Name: x\r\n\r\n',
			'Content-Type: text/\u0000plain\r\n\r\n',
			'Content-Type: text/plain\rX: y\r\n\r\n'
		])
			expect(isWellFormedEntity(bytes(s)), JSON.stringify(s)).toBe(false);
		let accepted = 0;
		for (let i = 0; i < 2000; i++) if (isWellFormedEntity(crypto.getRandomValues(new Uint8Array(512)))) accepted++;
		expect(accepted).toBe(0);
	});
});
