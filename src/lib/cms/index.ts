/** The CMS layer: SignedData, EnvelopedData and their helpers. */
export * from './signed';
export * from './attributes';
export * from './oids';
export { lookupDigest, resolveVerifier, ecdsaDerToRaw, ecdsaRawToDer } from './algorithms';
export type { DigestName, SignatureVerifier } from './algorithms';
