/**
 * CMS SignedData: signing ({@link signData}) and per-signer verification ({@link verifySignedData}).
 */
export { signData } from './signed-sign';
export type { SignDataOptions, SignatureScheme } from './signed-sign';
export { verifySignedData } from './signed-verify';
export type { VerifySignedDataOptions } from './signed-verify';
export { SignedDataFormatError } from './signed-types';
export type { SignedDataResult, SignerResult, SignerIdentifier } from './signed-types';
export type { SmimeCapability } from './attributes';
