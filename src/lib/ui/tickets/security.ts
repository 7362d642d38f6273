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
	/** Which half of the security result it describes. */
	kind: 'sign' | 'encryption' | 'unchecked';
	tone: BannerTone;
	/** A decorative icon of the app's one set; the title carries the meaning. */
	icon: IconName;
	/** The status in words, e.g. "Signed by alice@example.com (verified)". */
	title: string;
	/** The desk's sentence explaining it (may be empty). */
	detail: string;
}

function signLine(security: SecurityResult): BannerLine | null {
	const { status, signer, comment } = security.sign;
	const who = signer ?? 'an unknown signer';
	switch (status) {
		case 'valid':
			return { kind: 'sign', tone: 'ok', icon: 'valid', title: `Signed by ${who} (verified)`, detail: comment };
		case 'untrusted':
			return { kind: 'sign', tone: 'warn', icon: 'untrusted', title: `Signed by ${who} (untrusted certificate)`, detail: comment };
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
	return [signLine(article.security), encryptionLine(article.security)].filter((l): l is BannerLine => l !== null);
}

/**
 * Whether the article offers Retry: its verification or decryption failed, or it has S/MIME
 * parts and was never checked. A valid signature with a decrypted (or absent) encryption needs no retry.
 */
export function canRetry(article: BannerInput): boolean {
	if (article.direction !== 'in') return false;
	if (isUnchecked(article)) return uncheckedSmime(article);
	const { sign, encryption } = article.security;
	return (sign.status !== 'none' && sign.status !== 'valid') || encryption.status === 'no-key' || encryption.status === 'failed';
}
