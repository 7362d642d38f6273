/**
 * The typed error every import step throws. Its message is the user-facing sentence; its
 * code lets the UI react (for example, show a passphrase field on 'passphrase-required').
 */

/** Why an import was refused. */
export type ImportErrorCode =
	| 'unrecognised'
	| 'passphrase-required'
	| 'wrong-passphrase'
	| 'unsupported-algorithm'
	| 'not-smime'
	| 'duplicate'
	| 'no-matching-certificate'
	| 'disabled'
	| 'vault-locked'
	| 'custody-changed'
	| 'too-costly';

/** A refused import. `message` is a short, exact sentence meant for the admin. */
export class ImportError extends Error {
	/** The machine-readable reason. */
	readonly code: ImportErrorCode;

	constructor(code: ImportErrorCode, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'ImportError';
		this.code = code;
	}
}

/** The sentence for an input that is none of the formats we read. */
export function unrecognisedMessage(name: string): string {
	return `"${name}" is not a PEM or DER certificate, private key, PKCS#7 or PKCS#12 file.`;
}

/** Builds the error for an input that is none of the formats we read. */
export function unrecognised(name: string, cause?: unknown): ImportError {
	return new ImportError('unrecognised', unrecognisedMessage(name), cause === undefined ? undefined : { cause });
}

/** The sentence for a wrong passphrase. */
export const WRONG_PASSPHRASE = 'The passphrase is wrong.';

/** Builds the error for a wrong passphrase. */
export function wrongPassphrase(cause?: unknown): ImportError {
	return new ImportError('wrong-passphrase', WRONG_PASSPHRASE, cause === undefined ? undefined : { cause });
}

/** Builds the error for an encrypted input that came without a passphrase. */
export function passphraseRequired(name: string): ImportError {
	return new ImportError('passphrase-required', `"${name}" is protected by a passphrase. Enter the passphrase.`);
}
