/** The S/MIME layer: reading incoming messages (and, from the compose helper, outgoing ones). */
export { readIncoming, MAX_LEVELS, DEFAULT_MAX_SIZE } from './incoming';
export type {
	SignStatus,
	EncryptionStatus,
	SignResult,
	EncryptionResult,
	SecurityResult,
	LayerSummary,
	TrustedSigner,
	ReadIncomingOptions,
	IncomingResult,
	SignerCertificate,
	SignedPartResult,
	NestedResult
} from './incoming-types';
export { findNested, readNested, MAX_NESTED_PARTS, MAX_ATTACHED_DEPTH, PARTLY_SIGNED, ATTACHED_ENCRYPTED, type NestedContext } from './incoming-nested';
export { readSignatureLayer, type SignatureLayer, type SignerVerdict, type ReadSignatureOptions } from './incoming-sign';
export { signResult, encryptionResult, layerSummaries, untrustedSigner, NOT_SIGNED, NOT_ENCRYPTED, type FoundLayer } from './incoming-verdict';
export { describeSignerCertificate, fitForEmailSigning } from './signer-certificate';
export * from './comments';
export * from './outgoing-api';
