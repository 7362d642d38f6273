/**
 * The wording of the per-article security banner. Every status has its own sentence, so it
 * is never told by colour alone; the desk's comment (Zammad's sentence) is the detail.
 */
import type { Article } from '$lib/desk/tickets';
import { isUnchecked, protectionOf } from '$lib/desk/ticket-overview';
import type { SecurityResult } from '$lib/smime/incoming-types';
import type { IconName } from '$lib/ui/icons/paths';

// The list's rules live with the desk, which computes the list; the banner reads them too.
export { isUnchecked, protectionOf, type TicketProtection } from '$lib/desk/ticket-overview';

/** How a banner line looks: its tone picks the colour, the icon and text say the same. */
export type BannerTone = 'ok' | 'warn' | 'bad' | 'info';

/** One line of an article's security banner. */
export interface BannerLine {
	/** Which half of the security result it describes ('part': a signed part of a partly signed message). */
	kind: 'sign' | 'encryption' | 'unchecked' | 'part';
	/** For 'part': the part's MIME path. */
	path?: string;
	tone: BannerTone;
	/** A decorative icon of the app's one set; the title carries the meaning. */
	icon: IconName;
	/** The status in words, e.g. "Signed by alice@example.com (verified)". */
	title: string;
	/** The desk's sentence explaining it (may be empty). */
	detail: string;
	/** Shown under the title: why an untrusted signer is not trusted. */
	reason?: string;
}

/**
 * Why an untrusted signer is not trusted, in words: from the certificate in the message when
 * there is one, otherwise the desk's sentence.
 */
function untrustedReason(sign: SecurityResult['sign']): string {
	const c = sign.certificate;
	if (!c) return sign.comment;
	if (/cannot be used/.test(sign.comment)) return sign.comment;
	if (c.selfSigned) return 'Its certificate is self-signed, and no imported certificate vouches for it.';
	return `Its certificate was issued by ${c.issuer}, which chains to no imported certificate.`;
}

/** Whether to offer "Trust this certificate…": S/MIME on, an untrusted signer, an end-entity certificate for e-mail signing. */
export function canTrustSigner(security: SecurityResult, smimeEnabled: boolean): boolean {
	return smimeEnabled && security.sign.status === 'untrusted' && security.sign.certificate?.trustable === true;
}

function signLine(security: SecurityResult): BannerLine | null {
	const { status, signer, comment } = security.sign;
	const who = signer ?? 'an unknown signer';
	switch (status) {
		case 'valid':
			return { kind: 'sign', tone: 'ok', icon: 'valid', title: `Signed by ${who} (verified)`, detail: comment };
		case 'untrusted':
			return { kind: 'sign', tone: 'warn', icon: 'untrusted', title: `Signed by ${who} (untrusted certificate)`, detail: comment, reason: untrustedReason(security.sign) };
		case 'invalid':
			return { kind: 'sign', tone: 'bad', icon: 'invalid', title: 'Signature invalid', detail: comment };
		case 'expired':
			return { kind: 'sign', tone: 'warn', icon: 'expired', title: `Signed by ${who} (certificate expired)`, detail: comment };
		case 'sender-mismatch':
			return { kind: 'sign', tone: 'bad', icon: 'mismatch', title: `Signed by ${who}, who is not the sender`, detail: comment };
		case 'none':
			return null;
	}
}

function encryptionLine(security: SecurityResult): BannerLine | null {
	const { status, comment } = security.encryption;
	switch (status) {
		case 'decrypted':
			return { kind: 'encryption', tone: 'ok', icon: 'decrypted', title: 'Encrypted', detail: comment };
		case 'no-key':
		case 'failed':
			return { kind: 'encryption', tone: 'bad', icon: status === 'no-key' ? 'no-key' : 'failed', title: `Decryption failed: ${comment}`, detail: comment };
		case 'none':
			return null;
	}
}

/** The fields of an article the banner reads. */
export type BannerInput = Pick<Article, 'direction' | 'processedAt' | 'security' | 'attachments'>;

/** An unchecked article that carries S/MIME parts (plain mail needs no check). */
function uncheckedSmime(article: BannerInput): boolean {
	if (!isUnchecked(article)) return false;
	const p = protectionOf([article]);
	return p.encrypted || p.signed;
}

/**
 * The banner lines of an article, sign first. Empty for plain mail (checked, or received
 * while S/MIME was off), since there is nothing to say.
 */
export function bannerLines(article: BannerInput): BannerLine[] {
	if (isUnchecked(article)) {
		if (!uncheckedSmime(article)) return [];
		const detail = [article.security.sign.comment, article.security.encryption.comment].filter((s) => s !== '').join(' ');
		return [{ kind: 'unchecked', tone: 'warn', icon: 'unchecked', title: 'S/MIME not checked: not verified or decrypted', detail }];
	}
	const parts = (article.security.parts ?? []).map((p) => partLine(p.sign, p.path));
	return [signLine(article.security), ...parts, encryptionLine(article.security)].filter((l): l is BannerLine => l !== null);
}

/**
 * Whether the article offers Retry: its verification or decryption failed, or it has S/MIME
 * parts and was never checked. A valid signature with a decrypted (or absent) encryption needs no retry.
 */
export function canRetry(article: BannerInput): boolean {
	if (article.direction !== 'in') return false;
	if (isUnchecked(article)) return uncheckedSmime(article);
	const { sign, encryption, parts } = article.security;
	const partFailed = (parts ?? []).some((p) => p.sign.status !== 'valid');
	return (sign.status !== 'none' && sign.status !== 'valid') || partFailed || encryption.status === 'no-key' || encryption.status === 'failed';
}

/** The banner line of one signed part of a partly signed message: who signed it, and that the rest is not signed. */
export function partLine(sign: SecurityResult['sign'], path = ''): BannerLine {
	const who = sign.signer ?? 'an unknown signer';
	const rest = '; the rest is not';
	const line = ((l: Omit<BannerLine, 'kind' | 'path'>): BannerLine => ({ ...l, kind: 'part', path }));
	switch (sign.status) {
		case 'valid':
			return line({ tone: 'ok', icon: 'valid', title: `Part of this message is signed by ${who} (verified)${rest}`, detail: sign.comment });
		case 'untrusted':
			return line({ tone: 'warn', icon: 'untrusted', title: `Part of this message is signed by ${who} (untrusted certificate)${rest}`, detail: sign.comment, reason: untrustedReason(sign) });
		case 'expired':
			return line({ tone: 'warn', icon: 'expired', title: `Part of this message is signed by ${who} (certificate expired)${rest}`, detail: sign.comment });
		case 'sender-mismatch':
			return line({ tone: 'bad', icon: 'mismatch', title: `Part of this message is signed by ${who}, who is not the sender${rest}`, detail: sign.comment });
		case 'invalid':
		case 'none':
			return line({ tone: 'bad', icon: 'invalid', title: `Part of this message has an invalid signature${rest}`, detail: sign.comment });
	}
}
