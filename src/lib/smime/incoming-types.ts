/**
 * The result shapes of reading an incoming message, exactly as ARCHITECTURE.md gives
 * `article.security`, plus the per-layer detail the UI and the log use.
 */
import type { MaybeOwned } from '../base/memory';
import type { SmimeCapability } from '../cms/attributes';
import type { DecryptCandidate } from '../cms/recipients-decrypt';

/** The sign status; when several conditions hold, the first of invalid, untrusted, expired, sender-mismatch, valid. */
export type SignStatus = 'none' | 'valid' | 'untrusted' | 'invalid' | 'expired' | 'sender-mismatch';

/**
 * The encryption status. Strict key custody refusing RSA PKCS#1 v1.5 is reported as 'failed'
 * (the key exists, but policy forbids its use), with the strict-custody sentence as comment.
 */
export type EncryptionStatus = 'none' | 'decrypted' | 'no-key' | 'failed';

/**
 * The certificate of a signer that no imported certificate vouches for, as the "Trust this
 * certificate…" dialog shows it.
 */
export interface SignerCertificate {
	/** SHA-256 of the DER, lower-case hex. */
	fingerprint: string;
	/** SHA-1 of the DER, lower-case hex. */
	sha1: string;
	/** OpenSSL one-line form. */
	subject: string;
	issuer: string;
	/** Lower-cased email addresses (SAN, or the subject emailAddress when the SAN has none). */
	emails: string[];
	/** ISO 8601. */
	notBefore: string;
	notAfter: string;
	/** Subject and issuer are the same name. */
	selfSigned: boolean;
	/**
	 * Whether an agent may choose to trust it: an end-entity certificate with an email address,
	 * fit for e-mail protection (extendedKeyUsage emailProtection or none; digitalSignature or
	 * no keyUsage), with a supported key.
	 */
	trustable: boolean;
}

/** `article.security.sign`. */
export interface SignResult {
	status: SignStatus;
	/**
	 * The signer's email address, when a signature was proven to come from a certificate. For
	 * 'untrusted', the address of the certificate in the message that verified the signature.
	 */
	signer?: string;
	/** The sentence shown to the agent. */
	comment: string;
	/** For 'untrusted' when the signer's certificate is in the message (or the store): what it says. */
	certificate?: SignerCertificate;
}

/** `article.security.encryption`. */
export interface EncryptionResult {
	status: EncryptionStatus;
	comment: string;
}

/** One S/MIME layer, outermost first. */
export type LayerSummary =
	| {
			kind: 'signed';
			/** Detached multipart/signed, or opaque signed-data. */
			form: 'detached' | 'opaque';
			status: Exclude<SignStatus, 'none'>;
			/** 'content' when the signature covers the readable content, 'encrypted' when it covers an encrypted layer. */
			covers: 'content' | 'encrypted';
	  }
	| {
			kind: 'encrypted';
			status: Exclude<EncryptionStatus, 'none'>;
			/** e.g. 'AES-256-CBC', when decrypted. */
			contentEncryption?: string;
			/** e.g. 'RSA-OAEP (SHA-256)', when decrypted. */
			keyTransport?: string;
	  };

/** `article.security` as stored and returned. */
export interface SecurityResult {
	sign: SignResult;
	encryption: EncryptionResult;
	/** The S/MIME layers found, outermost first. */
	layers: LayerSummary[];
	/**
	 * Signed parts inside an unsigned container (a mailing list's footer around a signed mail),
	 * each with its own verdict; present only when there are any. The message's own `sign` is
	 * then 'none' with a sentence saying only part of it is signed: never 'valid'.
	 */
	parts?: SignedPartResult[];
}

/** One signed part of a partly signed message. */
export interface SignedPartResult {
	/** MIME part number, IMAP style ("2", "1.2"). */
	path: string;
	/** The part's own verdict; its signer is checked against the message's From. */
	sign: SignResult;
}

/** A signer whose signature is valid and whose certificate chains to an imported certificate. */
export interface TrustedSigner {
	/** DER of the signer's certificate. */
	certificate: Uint8Array;
	/** SMIMECapabilities from the signed attributes. */
	capabilities: SmimeCapability[];
	/** The CA certificates on the path between the signer and the imported anchor, signer side first. */
	intermediates?: Uint8Array[];
}

/** Options of {@link readIncoming}. */
export interface ReadIncomingOptions {
	/**
	 * The raw RFC 5322 message. Borrowed (a plain array) it is left as it was. Owned ({@link own}:
	 * the caller reads it for nothing else afterwards), S/MIME bodies are base64-decoded and
	 * decrypted within its own bytes (no copies of message size), and the result's content is a
	 * view of memory the caller owns.
	 */
	raw: MaybeOwned;
	/** DER of every imported certificate: trust anchors, intermediates and signer look-up. */
	certificates: Uint8Array[];
	/** DER of the certificates learned from valid signed mail: signer look-up and intermediates, never anchors. */
	learned?: Uint8Array[];
	/** Every stored certificate that has a private key. */
	candidates: DecryptCandidate[];
	/** How to explain an RSA PKCS#1 v1.5 message whose legacy key could not be opened. */
	legacyUnavailable?: 'strict-custody' | 'vault-locked';
	now: Date;
	crypto: Crypto;
	/** Largest raw message processed, in bytes; 50 MB by default. */
	maxSize?: number;
	/** Accept SHA-1 message signatures (valid, with a weak-algorithm warning). Off by default: they are invalid. */
	acceptSha1?: boolean;
	/** How deep in attached messages this message is (0 for a received message); internal to the recursion. */
	depth?: number;
	/** Nested parts still to be read for the whole received message; internal to the recursion. */
	nestedBudget?: { left: number };
}

/** What {@link readIncoming} found. */
export interface IncomingResult {
	security: SecurityResult;
	/**
	 * The innermost MIME entity to display, or null when nothing may be shown (not decrypted,
	 * or decrypted content whose inner signature is invalid).
	 */
	content: Uint8Array | null;
	/** Signers with a valid, trusted signature (for recording their SMIMECapabilities). */
	trustedSigners: TrustedSigner[];
	/** The lower-cased From address the signer was checked against. */
	from?: string;
	/** DER of the certificate `security.sign.certificate` describes (an untrusted signer's). */
	signerCertificate?: Uint8Array;
	/** Signed parts and attached messages read apart from the message (see incoming-nested). */
	nested: NestedResult[];
	/** Some nested parts were left unread (the limit per message was reached). */
	nestedTruncated?: boolean;
}

/** A part read apart from the message. */
export type NestedResult =
	| {
			kind: 'signed-part';
			/** MIME part number in the message (IMAP style, "2" or "1.2"); inside an attached message, after its path and "/". */
			path: string;
			/** The part's own verdict: its signature, never the message's. */
			security: SecurityResult;
			/** The signed content to show, or null when it cannot be read. */
			content: Uint8Array | null;
			/** Where the signed entity (signature included) lies in the content it was found in. */
			start: number;
			end: number;
	  }
	| {
			kind: 'message';
			path: string;
			/** The attached message as it is (for its headers). */
			raw: Uint8Array;
			/** The attached message's own verdict. */
			security: SecurityResult;
			/** Its readable content, or null. */
			content: Uint8Array | null;
			/** Its own nested parts. */
			nested: NestedResult[];
	  };
