/** The sending side of the S/MIME layer, re-exported by the layer's barrel in one line. */
export { buildOutgoing, type OutgoingOptions, type OutgoingMessage, type OutgoingSigner, type OutgoingEncryption } from './outgoing';
export { issuerChain } from './outgoing-chain';
export { DraftError, parseDraftAddresses, makeMessageId, type DraftErrorCode } from './outgoing-draft';
export {
	evaluateSecurityOptions,
	evaluateSign,
	evaluateEncrypt,
	pickSigningCertificate,
	pickEncryptionCertificate,
	isValidAt,
	SECURITY_COMMENTS,
	type SecurityLookup,
	type SignOption,
	type EncryptOption,
	type SecurityEvaluation,
	type CertificatePick
} from './security-options';
export {
	ourCapabilities,
	normalizeCapabilities,
	advertisesGcm,
	advertisesOaepSha256,
	chooseContentEncryption,
	chooseKeyTransport,
	contentEncryptionName,
	OAEP_SHA256_PARAMS,
	CONTENT_ENCRYPTION_SETTINGS,
	SIGNATURE_SCHEMES,
	type ContentEncryptionSetting,
	type SignatureSchemeSetting
} from './algorithm-policy';
