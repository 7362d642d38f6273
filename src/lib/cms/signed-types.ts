/**
 * Result types of CMS SignedData verification, and the error thrown for malformed input.
 */
import type { SmimeCapability } from './attributes';

/** How a SignerInfo names its certificate. */
export interface SignerIdentifier {
	/** DER of the issuer Name, when identified by issuer and serial number. */
	issuer?: Uint8Array;
	/** Serial number as lower-case hex, when identified by issuer and serial number. */
	serialNumber?: string;
	/** Subject key identifier, when identified by it. */
	subjectKeyIdentifier?: Uint8Array;
}

interface SignerCommon {
	/** Position of the SignerInfo in the SignedData. */
	index: number;
	/** The signer as the SignerInfo names it. */
	sid: SignerIdentifier;
	/** Human-readable reason (a short sentence) for every status except 'valid'. */
	reason?: string;
}

/** The verdict on one SignerInfo. Trust (the chain) is a separate question: see pki/chain. */
export type SignerResult =
	| (SignerCommon & {
			status: 'valid';
			/** DER of the certificate whose key verified the signature. */
			certificate: Uint8Array;
			signingTime?: Date;
			/** e.g. 'SHA-256' */
			digestAlgorithm: string;
			/** e.g. 'RSASSA-PKCS1-v1_5 with SHA-256', 'ECDSA P-256 with SHA-256', 'Ed25519' */
			signatureAlgorithm: string;
			/** Set when a weak but accepted algorithm was used, e.g. 'SHA-1'. */
			weak?: string;
			/** SMIMECapabilities from the signed attributes (empty when absent). */
			capabilities: SmimeCapability[];
	  })
	| (SignerCommon & {
			/** Digest mismatch, bad signature, malformed signed attributes, refused algorithm (MD5). */
			status: 'invalid';
			reason: string;
			/** A certificate the SignerInfo names. Not proven to be the signer: never use it for identity. */
			certificate?: Uint8Array;
			signingTime?: Date;
	  })
	| (SignerCommon & {
			/** No bundled or known certificate matches the signer identifier. */
			status: 'no-certificate';
			reason: string;
	  })
	| (SignerCommon & {
			/** An algorithm we cannot check (unknown OID, SHA-224, unsupported curve). */
			status: 'unsupported';
			reason: string;
			certificate?: Uint8Array;
	  });

/** Everything read from a SignedData. */
export interface SignedDataResult {
	/**
	 * The content the signers were checked over: the detached content given (only when the
	 * SignedData has no eContent), else the eContent of an opaque signature; null otherwise.
	 */
	content: Uint8Array | null;
	/** eContentType, usually id-data. */
	contentType: string;
	/** The certificates bundled in the SignedData, DER. */
	certificates: Uint8Array[];
	/** One result per SignerInfo, in order. */
	signers: SignerResult[];
}

/** Thrown when the input is not a CMS ContentInfo holding a SignedData at all. */
export class SignedDataFormatError extends Error {
	override name = 'SignedDataFormatError';
}
