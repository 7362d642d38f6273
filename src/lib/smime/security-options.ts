/**
 * Whether a draft can be signed and encrypted, and why not, in Zammad's sentences
 * (lib/secure_mailing/smime/security_options.rb). Pure: the desk looks the certificates up
 * and passes them in, with the clock.
 *
 * Signing needs a certificate whose email is the From address (case-insensitive), that is
 * usable for signing, valid now, and has a private key. Encryption needs, for every To and Cc
 * address, a certificate usable for encryption and valid now; the sender's own certificate is
 * added when it has one (so agents can read their sent mail), but its absence does not stop
 * encryption.
 */
import type { CertificateInfo } from '../pki/describe';

/** Zammad's sentences. `%s` is replaced by the address or a comma-separated list. */
export const SECURITY_COMMENTS = {
	signNoSender: 'There was no certificate found.',
	signFound: 'The certificate for %s was found.',
	signNotUsable: 'The certificate for %s was found, but it is not valid yet or has expired.',
	signNotFound: 'The certificate for %s was not found.',
	encryptNoRecipient: 'There was no recipient found.',
	encryptFoundOne: 'The certificate for %s was found.',
	encryptFoundMany: 'The certificates for %s were found.',
	encryptNotUsableOne: 'The certificate for %s was found, but it is not valid yet or has expired.',
	encryptNotUsableMany: 'There were certificates found for %s, but at least one of them is not valid yet or has expired.',
	encryptNotFoundOne: 'The certificate for %s was not found.',
	encryptNotFoundMany: 'The certificates for %s were not found.'
} as const;

/** What the desk found for a draft, the input of {@link evaluateSecurityOptions}. */
export interface SecurityLookup {
	/** The lower-cased From address, or null when the draft has none. */
	from: string | null;
	/** The lower-cased To and Cc addresses, without duplicates, in order. */
	recipients: string[];
	/** The stored certificates for each address in `from` and `recipients` (emails lower-cased). */
	certificatesByEmail: ReadonlyMap<string, readonly CertificateInfo[]>;
	now: Date;
}

/** The verdict on signing. */
export interface SignOption {
	possible: boolean;
	/** The sentence shown to the agent. */
	comment: string;
	/** The certificate that would sign; null when signing is not possible. */
	certificate: CertificateInfo | null;
}

/** The verdict on encryption. */
export interface EncryptOption {
	possible: boolean;
	comment: string;
	/** One certificate per recipient, in recipient order; empty when encryption is not possible. */
	recipients: { email: string; certificate: CertificateInfo }[];
	/** The sender's own encryption certificate, when it has a usable one (null otherwise). */
	sender: CertificateInfo | null;
}

/** Both verdicts. */
export interface SecurityEvaluation {
	sign: SignOption;
	encrypt: EncryptOption;
}

/** True when `now` lies within the certificate's validity. */
export function isValidAt(info: CertificateInfo, now: Date): boolean {
	return new Date(info.notBefore) <= now && now <= new Date(info.notAfter);
}

/** The outcome of picking a certificate for one address. */
export type CertificatePick =
	| { status: 'found'; certificate: CertificateInfo }
	| { status: 'not-usable' }
	| { status: 'not-found' };

type Order = (a: CertificateInfo, b: CertificateInfo) => number;

/** The one that expires last first. */
const expiresLast: Order = (a, b) => b.notAfter.localeCompare(a.notAfter);
/** The newest (latest notBefore) first, then the one that expires last. */
const newest: Order = (a, b) => b.notBefore.localeCompare(a.notBefore) || expiresLast(a, b);

/** Among the fitting candidates valid now, the first in `order`. */
function pick(candidates: readonly CertificateInfo[], fits: (c: CertificateInfo) => boolean, now: Date, order: Order = expiresLast): CertificatePick {
	const fitting = candidates.filter((c) => !c.isCA && fits(c));
	if (fitting.length === 0) return { status: 'not-found' };
	const valid = fitting.filter((c) => isValidAt(c, now)).sort(order);
	const first = valid[0];
	return first ? { status: 'found', certificate: first } : { status: 'not-usable' };
}

/**
 * The certificate that signs mail from `email`: usable for signing, with a private key, and
 * valid now (the latest-expiring one when several are). Returns the verdict, never throws.
 */
export function pickSigningCertificate(candidates: readonly CertificateInfo[], now: Date): CertificatePick {
	return pick(candidates, (c) => c.usage.sign && c.hasPrivateKey, now);
}

/**
 * The certificate to encrypt to: usable for encryption and valid now, the newest one (latest
 * notBefore; then the latest-expiring). An older certificate that is still valid is kept in the
 * store (learned from mail or imported), but a newer one is what the recipient now reads with.
 */
export function pickEncryptionCertificate(candidates: readonly CertificateInfo[], now: Date): CertificatePick {
	return pick(candidates, (c) => c.usage.encrypt, now, newest);
}

function fill(sentence: string, addresses: readonly string[]): string {
	return sentence.replace('%s', addresses.join(', '));
}

/** Decides whether the draft can be signed. */
export function evaluateSign(lookup: SecurityLookup): SignOption {
	if (!lookup.from) return { possible: false, comment: SECURITY_COMMENTS.signNoSender, certificate: null };
	const result = pickSigningCertificate(lookup.certificatesByEmail.get(lookup.from) ?? [], lookup.now);
	switch (result.status) {
		case 'found':
			return { possible: true, comment: fill(SECURITY_COMMENTS.signFound, [lookup.from]), certificate: result.certificate };
		case 'not-usable':
			return { possible: false, comment: fill(SECURITY_COMMENTS.signNotUsable, [lookup.from]), certificate: null };
		case 'not-found':
			return { possible: false, comment: fill(SECURITY_COMMENTS.signNotFound, [lookup.from]), certificate: null };
	}
}

/**
 * Decides whether the draft can be encrypted. The grammatical number of the sentence follows
 * the number of recipients; a "not found" sentence names only the addresses without a
 * certificate, the others name every recipient (as Zammad does).
 */
export function evaluateEncrypt(lookup: SecurityLookup): EncryptOption {
	const { recipients, now } = lookup;
	const senderPick = lookup.from ? pickEncryptionCertificate(lookup.certificatesByEmail.get(lookup.from) ?? [], now) : null;
	const sender = senderPick?.status === 'found' ? senderPick.certificate : null;
	const none = (comment: string): EncryptOption => ({ possible: false, comment, recipients: [], sender });
	if (recipients.length === 0) return none(SECURITY_COMMENTS.encryptNoRecipient);
	const one = recipients.length === 1;
	const found: { email: string; certificate: CertificateInfo }[] = [];
	const missing: string[] = [];
	const unusable: string[] = [];
	for (const email of recipients) {
		const r = pickEncryptionCertificate(lookup.certificatesByEmail.get(email) ?? [], now);
		if (r.status === 'found') found.push({ email, certificate: r.certificate });
		else if (r.status === 'not-usable') unusable.push(email);
		else missing.push(email);
	}
	if (missing.length > 0) {
		return none(fill(one ? SECURITY_COMMENTS.encryptNotFoundOne : SECURITY_COMMENTS.encryptNotFoundMany, missing));
	}
	if (unusable.length > 0) {
		return none(fill(one ? SECURITY_COMMENTS.encryptNotUsableOne : SECURITY_COMMENTS.encryptNotUsableMany, recipients));
	}
	return {
		possible: true,
		comment: fill(one ? SECURITY_COMMENTS.encryptFoundOne : SECURITY_COMMENTS.encryptFoundMany, recipients),
		recipients: found,
		sender
	};
}

/** Both verdicts for a draft. Never throws. */
export function evaluateSecurityOptions(lookup: SecurityLookup): SecurityEvaluation {
	return { sign: evaluateSign(lookup), encrypt: evaluateEncrypt(lookup) };
}
