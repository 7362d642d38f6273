/**
 * The security verdict of a ticket in words, colour and icon, as the tickets list shows it:
 * one badge for the signature and one for the encryption (either may be absent), or "Plain".
 * Each verdict has its own words, so it is never told by colour or icon alone.
 */
import type { TicketProtection, TicketVerdict } from '$lib/desk/ticket-overview';
import type { IconName } from './icons/paths';

/** How a verdict looks: its tone picks the colour. */
export type VerdictTone = 'ok' | 'warn' | 'bad' | 'neutral';

/** One badge of a verdict. */
export interface VerdictBadge {
	/** A stable id, also the badge's data attribute (valid, invalid, untrusted, expired, sender-mismatch, decrypted, no-key, failed, unchecked, plain). */
	id: string;
	text: string;
	tone: VerdictTone;
	icon: IconName;
}

const SIGN: Record<Exclude<TicketVerdict['sign'], 'none'>, Omit<VerdictBadge, 'id'>> = {
	valid: { text: 'Signature valid', tone: 'ok', icon: 'valid' },
	invalid: { text: 'Signature invalid', tone: 'bad', icon: 'invalid' },
	untrusted: { text: 'Signer untrusted', tone: 'warn', icon: 'untrusted' },
	expired: { text: 'Certificate expired', tone: 'warn', icon: 'expired' },
	'sender-mismatch': { text: 'Sender mismatch', tone: 'bad', icon: 'mismatch' }
};

const ENCRYPTION: Record<Exclude<TicketVerdict['encryption'], 'none'>, Omit<VerdictBadge, 'id'>> = {
	decrypted: { text: 'Decrypted', tone: 'ok', icon: 'decrypted' },
	'no-key': { text: 'No key to decrypt', tone: 'bad', icon: 'no-key' },
	failed: { text: 'Decryption failed', tone: 'bad', icon: 'failed' }
};

/**
 * The badges of a ticket's verdict: signature first, then encryption, then mail not checked yet
 * (named by what it carries); "Plain" when it has none of these.
 */
export function verdictBadges(verdict: TicketVerdict, protection: TicketProtection): VerdictBadge[] {
	const out: VerdictBadge[] = [];
	if (verdict.sign !== 'none') out.push({ id: verdict.sign, ...SIGN[verdict.sign] });
	if (verdict.encryption !== 'none') out.push({ id: verdict.encryption, ...ENCRYPTION[verdict.encryption] });
	if (verdict.unchecked) out.push({ id: 'unchecked', text: `${protection.encrypted ? 'Encrypted' : 'Signed'}, not checked`, tone: 'warn', icon: 'unchecked' });
	if (out.length === 0) out.push({ id: 'plain', text: 'Plain', tone: 'neutral', icon: 'plain' });
	return out;
}
