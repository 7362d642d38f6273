/**
 * The key-derivation cost limits, as numbers and types both sides need: pki/kdf-limits reads
 * every count a file asks for and refuses it before any derivation runs (the rationale for
 * the numbers is there), and legacy/kdf-guard checks them again inside node-forge's own
 * derivation functions. They live here, at the lower of the two layers, so that legacy/ never
 * imports pki/ (pki loads legacy/, not the other way round).
 */

/** The most key-derivation iterations one derivation may ask for. */
export const MAX_KDF_ITERATIONS = 5_000_000;
/** The most key-derivation iterations one file may ask for, all derivations together. */
export const MAX_KDF_ITERATIONS_PER_FILE = 2 * MAX_KDF_ITERATIONS;

/** Which derivation a count is for, as the refusal names it. */
export type KdfUse = 'PKCS#12 MAC' | 'PKCS#12 encryption' | 'PBKDF2';

/** One derivation a file asks for. */
export interface KdfCost {
	use: KdfUse;
	/** The iteration count as the file states it (a bigint: it may be any size). */
	iterations: bigint;
}
