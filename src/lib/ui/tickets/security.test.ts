import { describe, expect, it } from 'vitest';
import type { SecurityResult, SignStatus, EncryptionStatus } from '$lib/smime/incoming-types';
import type { Article } from '$lib/desk/tickets';
import { SMIME_OFF_ENCRYPTION, SMIME_OFF_SIGN } from '$lib/smime/comments';
import { bannerLines, canRetry, canTrustSigner, partLine, protectionOf } from './security';

type Shape = Pick<Article, 'direction' | 'processedAt' | 'security' | 'attachments'>;

function article(sign: SignStatus, encryption: EncryptionStatus, extra: Partial<Shape> = {}): Shape {
	const security: SecurityResult = {
		sign: { status: sign, comment: `sign ${sign}`, ...(sign === 'none' ? {} : { signer: 'alice@sealdesk.test' }) },
		encryption: { status: encryption, comment: encryption === 'none' ? '' : `The private key for decryption could not be found.` },
		layers: [
			...(encryption === 'none' ? [] : [{ kind: 'encrypted', status: encryption === 'decrypted' ? 'decrypted' : 'no-key' } as const]),
			...(sign === 'none' ? [] : [{ kind: 'signed', form: 'detached', status: sign, covers: 'content' } as const])
		]
	};
	return { direction: 'in', processedAt: '2026-03-01T00:00:00.000Z', security, attachments: [], ...extra };
}

describe('the security banner', () => {
	it('gives every sign status its own wording', () => {
		const titles = (['valid', 'untrusted', 'invalid', 'expired', 'sender-mismatch'] as const).map((s) => bannerLines(article(s, 'none'))[0]?.title);
		expect(titles).toEqual([
			'Signed by alice@sealdesk.test (verified)',
			'Signed by alice@sealdesk.test (untrusted certificate)',
			'Signature invalid',
			'Signed by alice@sealdesk.test (certificate expired)',
			'Signed by alice@sealdesk.test, who is not the sender'
		]);
		expect(new Set(titles).size).toBe(5);
	});

	it('says "Encrypted" and "Decryption failed: …" with the reason', () => {
		expect(bannerLines(article('none', 'decrypted')).map((l) => l.title)).toEqual(['Encrypted']);
		expect(bannerLines(article('none', 'no-key')).map((l) => l.title)).toEqual(['Decryption failed: The private key for decryption could not be found.']);
	});

	it('never tells a status by colour alone: every line has a title and a tone', () => {
		for (const line of bannerLines(article('invalid', 'failed'))) {
			expect(line.title.length).toBeGreaterThan(5);
			expect(['ok', 'warn', 'bad', 'info']).toContain(line.tone);
		}
	});

	it('marks mail received while S/MIME was off as not checked, with the desk comments', () => {
		const off = article('none', 'none', { processedAt: undefined, attachments: [{ index: 0, name: 'smime.p7s', type: 'application/pkcs7-signature', size: 900 }] });
		off.security.sign.comment = SMIME_OFF_SIGN;
		off.security.encryption.comment = SMIME_OFF_ENCRYPTION;
		const lines = bannerLines(off);
		expect(lines).toHaveLength(1);
		expect(lines[0]?.title).toBe('S/MIME not checked: not verified or decrypted');
		expect(lines[0]?.detail).toBe(`${SMIME_OFF_SIGN} ${SMIME_OFF_ENCRYPTION}`);
	});

	it('shows nothing for plain mail, checked or not', () => {
		expect(bannerLines(article('none', 'none'))).toEqual([]);
		expect(bannerLines(article('none', 'none', { processedAt: undefined }))).toEqual([]);
	});
});

describe('Retry', () => {
	it('is offered when verification or decryption failed, or the mail was never checked', () => {
		expect(canRetry(article('untrusted', 'none'))).toBe(true);
		expect(canRetry(article('valid', 'no-key'))).toBe(true);
		expect(canRetry(article('none', 'failed'))).toBe(true);
		expect(canRetry(article('none', 'none', { processedAt: undefined, attachments: [{ index: 0, name: 'smime.p7m', type: 'application/pkcs7-mime', size: 900 }] }))).toBe(true);
	});

	it('is not offered for good mail or for sent mail', () => {
		expect(canRetry(article('valid', 'decrypted'))).toBe(false);
		expect(canRetry(article('none', 'none'))).toBe(false);
		expect(canRetry(article('invalid', 'none', { direction: 'out' }))).toBe(false);
		expect(canRetry(article('none', 'none', { processedAt: undefined }))).toBe(false);
	});
});

describe('ticket protection in the list', () => {
	it('comes from the S/MIME layers of checked mail', () => {
		expect(protectionOf([article('valid', 'decrypted')])).toEqual({ encrypted: true, signed: true });
		expect(protectionOf([article('none', 'none'), article('invalid', 'none')])).toEqual({ encrypted: false, signed: true });
	});

	it('comes from the smime.p7m / smime.p7s parts of mail not yet checked', () => {
		const unchecked = (name: string, type: string): Shape =>
			article('none', 'none', { processedAt: undefined, attachments: [{ index: 0, name, type, size: 10 }] });
		expect(protectionOf([unchecked('smime.p7s', 'application/pkcs7-signature')])).toEqual({ encrypted: false, signed: true });
		expect(protectionOf([unchecked('smime.p7m', 'application/pkcs7-mime')])).toEqual({ encrypted: true, signed: false });
		expect(protectionOf([unchecked('report.pdf', 'application/pdf')])).toEqual({ encrypted: false, signed: false });
	});
});

describe('an untrusted signer in the banner (issue 15)', () => {
	const certificate = {
		fingerprint: 'ab'.repeat(32),
		sha1: 'cd'.repeat(20),
		subject: '/CN=selfie',
		issuer: '/CN=selfie',
		emails: ['selfie@self.test'],
		notBefore: '2026-01-01T00:00:00.000Z',
		notAfter: '2036-01-01T00:00:00.000Z',
		selfSigned: true,
		trustable: true
	};
	const untrusted = (c: typeof certificate | undefined, comment = 'The certificate for verification could not be found.'): Shape => {
		const a = article('untrusted', 'none');
		return { ...a, security: { ...a.security, sign: { status: 'untrusted', signer: 'selfie@self.test', comment, ...(c ? { certificate: c } : {}) } } };
	};

	it('says who signed and why they are not trusted', () => {
		expect(bannerLines(untrusted(certificate))[0]).toMatchObject({
			title: 'Signed by selfie@self.test (untrusted certificate)',
			reason: 'Its certificate is self-signed, and no imported certificate vouches for it.'
		});
		expect(bannerLines(untrusted({ ...certificate, selfSigned: false, issuer: '/CN=Some CA' }))[0]?.reason).toBe(
			'Its certificate was issued by /CN=Some CA, which chains to no imported certificate.'
		);
		const unfit = "The signer's certificate cannot be used: The certificate is not meant for e-mail protection.";
		expect(bannerLines(untrusted({ ...certificate, trustable: false }, unfit))[0]?.reason).toBe(unfit);
		expect(bannerLines(untrusted(undefined))[0]?.reason).toBe('The certificate for verification could not be found.');
	});

	it('offers "Trust this certificate…" only while S/MIME is on, for a trustable untrusted signer', () => {
		expect(canTrustSigner(untrusted(certificate).security, true)).toBe(true);
		expect(canTrustSigner(untrusted(certificate).security, false)).toBe(false);
		expect(canTrustSigner(untrusted({ ...certificate, trustable: false }).security, true)).toBe(false);
		expect(canTrustSigner(untrusted(undefined).security, true)).toBe(false);
		expect(canTrustSigner(article('valid', 'none').security, true)).toBe(false);
	});
});

describe('a partly signed message in the banner (issue 15)', () => {
	it('says which part is signed by whom, and that the rest is not', () => {
		expect(partLine({ status: 'valid', signer: 'alice@sealdesk.test', comment: '/CN=Root' }).title).toBe(
			'Part of this message is signed by alice@sealdesk.test (verified); the rest is not'
		);
		expect(partLine({ status: 'invalid', comment: 'The signature is invalid: x' })).toMatchObject({ tone: 'bad', title: 'Part of this message has an invalid signature; the rest is not' });
		expect(partLine({ status: 'untrusted', signer: 'a@x.test', comment: 'c' }).tone).toBe('warn');
	});

	it('offers Retry when a signed part is not valid, not when it is', () => {
		const partly = (status: SignStatus): Shape => {
			const a = article('none', 'none');
			return { ...a, security: { ...a.security, sign: { status: 'none', comment: 'partly' }, parts: [{ path: '1', sign: { status, comment: 'c' } }] } };
		};
		expect(canRetry(partly('untrusted'))).toBe(true);
		expect(canRetry(partly('valid'))).toBe(false);
	});
});
