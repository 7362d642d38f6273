/**
 * The pki layer: read any certificate or key input, describe certificates, and turn
 * private keys into non-extractable CryptoKeys matched to their certificates.
 * (chain.ts, certificate chain building and trust, is imported by its path.)
 */
export { ImportError, WRONG_PASSPHRASE, unrecognisedMessage, type ImportErrorCode } from './errors';
export { readInput, wipe, type ReadInput, type ReadResult } from './read';
export { describeCertificate, type CertificateInfo, type CertificateSource } from './describe';
export { Certificate, KEY_USAGE_NAMES, NOT_A_CERTIFICATE, extendedKeyUsageName, type AltName, type BasicConstraints, type Fingerprints, type KeyUsageName } from './certificate';
export { identifyKey, unsupportedKeyMessage, unsupportedCertificateMessage, type KeyKind, type KeyKindResult } from './key-algorithm';
export { buildPrivateKeySet, certificatePublicId, cryptoKeysOf, identifyPrivateKey, type IdentifiedKey } from './keys';
export { parsePem, toPem, looksLikePem, type PemBlock } from './pem';
export { wrapRsaPrivateKey, wrapEcPrivateKey, pkcs8Kind, decryptPbes2 } from './pkcs8';
export type { PrivateKeySet, LegacyKeyOpener, KeyAlgorithmName, OaepHash } from './keyset';
