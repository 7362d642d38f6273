/**
 * The sentences the agent reads next to an article's security status. Where Zammad's
 * S/MIME integration has a sentence for the same case, it is used word for word
 * (see vectors/zammad/README.md §6, §6.1 and §7).
 */

/** Zammad: no stored certificate vouches for the signer. */
export const CERTIFICATE_NOT_FOUND = 'The certificate for verification could not be found.';
/** Zammad: the From address is not among the signer's addresses. */
export const NOT_SIGNED_BY_SENDER = 'This message was not signed by its sender.';
/** Zammad: the signature structure could not be read. */
export const VERIFY_ERROR = 'Error while verifying signature, please contact your administrator.';
/** Zammad: no stored private key opens the message. */
export const PRIVATE_KEY_NOT_FOUND = 'The private key for decryption could not be found.';
/** Every cryptographic decryption failure (wrong key, bad padding, bad tag) reads the same. */
export const DECRYPT_FAILED = 'The message could not be decrypted.';
/** RSA PKCS#1 v1.5 key transport while strict key custody is on. */
export const STRICT_CUSTODY = 'The sender used RSA PKCS#1 v1.5, which strict key custody does not allow.';
/** RSA PKCS#1 v1.5 key transport while the vault passphrase has not been entered. */
export const VAULT_LOCKED = 'The key vault is locked. Unlock it and retry to decrypt this message.';
/** S/MIME is off: the mail was stored as it came. */
export const SMIME_OFF_SIGN = 'S/MIME is turned off, so the message was not verified.';
/** S/MIME is off: the mail was stored as it came. */
export const SMIME_OFF_ENCRYPTION = 'S/MIME is turned off, so the message was not decrypted.';
/** More S/MIME layers or MIME containers than we unwrap. */
export const TOO_DEEP = 'The message is nested too deeply.';
/** The raw message is larger than the limit. */
export const TOO_LARGE = 'The message is too large to be processed.';
/** More MIME parts than are processed (mime/part-count MAX_PARTS): the mail is kept, not shown. */
export const TOO_MANY_PARTS = 'The message has more than 1,000 parts, so it is not shown. Download it to open it elsewhere.';
/** A signature layer without any SignerInfo. */
export const NO_SIGNERS = 'The signature has no signer.';
/** An encrypted part inside a cleartext container: EFAIL rule, never merged into the view. */
export const NESTED_ENCRYPTED_PART =
	'The message contains an encrypted part inside unencrypted content. It was not decrypted; only a fully encrypted message is.';
/** An unexpected failure while reading the message (a bug, not the sender's doing); the raw mail is kept for a retry. */
export const PROCESSING_ERROR = 'The message could not be processed. Retry it, or contact your administrator.';
/** The signature covers a layer that is encrypted, not the readable content directly. */
export const SIGNED_OUTSIDE_ENCRYPTION = 'The signature covers the encrypted message; the readable content was not signed.';
/** The plaintext was withheld because the signature inside the encryption is broken. */
export const WITHHELD_INVALID = 'The decrypted content is not shown because its signature is invalid.';

/**
 * Zammad's suffix for a certificate outside its validity:
 * ` (Certificate <sha1> with start date <not_before> and end date <not_after> expired!)`,
 * with the dates as Ruby prints a UTC Time (`2014-08-03 10:21:46 UTC`).
 */
export function expiredSuffix(sha1: string, notBefore: Date, notAfter: Date): string {
	return ` (Certificate ${sha1} with start date ${rubyUtc(notBefore)} and end date ${rubyUtc(notAfter)} expired!)`;
}

/** The warning appended when a signature used an accepted but weak algorithm, e.g. SHA-1. */
export function weakAlgorithm(name: string): string {
	return `The signature uses ${name}, a weak algorithm.`;
}

/** The warning appended when the content was encrypted with a weak algorithm, e.g. 3DES. */
export function weakCipher(name: string): string {
	return `The message was encrypted with ${name}, a weak algorithm.`;
}

/**
 * A signature that verified but uses SHA-1 (digest or signature hash), while the admin setting
 * "Accept SHA-1 signatures" is off (the default, as in Thunderbird).
 */
export const SHA1_REFUSED =
	'The signature is invalid: It uses SHA-1, which is no longer accepted. An administrator can accept SHA-1 signatures on the S/MIME page.';

/**
 * A signature whose signingTime is more than an hour away from the message's Date header (an old
 * signed mail replayed under a new date, or a forged Date). Both times in UTC, ISO 8601.
 */
export function signingTimeMismatch(signingTime: Date, date: Date): string {
	return `The signature is invalid: It was made at ${isoUtc(signingTime)}, but the message is dated ${isoUtc(date)}; the two are more than an hour apart.`;
}

/** A signature whose algorithm we cannot check. */
export function unsupportedSignature(reason: string): string {
	return `The signature could not be checked: ${reason}`;
}

/** A signature that does not verify. */
export function invalidSignature(reason: string): string {
	return `The signature is invalid: ${reason}`;
}

/** A signer certificate that is not fit for signing mail (EKU or keyUsage). */
export function unfitCertificate(reason: string): string {
	return `The signer's certificate cannot be used: ${reason}`;
}

function isoUtc(d: Date): string {
	return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function rubyUtc(d: Date): string {
	return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
