/** The CMS layer: SignedData, EnvelopedData and their helpers. */
export * from './signed';
export {
	buildSignedAttributes,
	compareDer,
	encodeDerSet,
	encodeSmimeCapabilities,
	isDerSorted,
	parseSmimeCapabilities,
	sortDerSet
} from './attributes';
export type { SignedAttributeInput } from './attributes';
export * from '../base/oids';
export { lookupDigest, resolveVerifier, ecdsaDerToRaw, ecdsaRawToDer } from './algorithms';
export type { DigestName, SignatureVerifier } from './algorithms';
export * from './enveloped';
