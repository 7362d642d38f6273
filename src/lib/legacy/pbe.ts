/**
 * Encrypted PKCS#8 under the PKCS#12 PBE schemes (pbeWithSHAAnd3-KeyTripleDES-CBC and
 * friends) that WebCrypto cannot run, through node-forge.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/asn1.js';
import 'node-forge/lib/pbe.js';
import { fromBinary, toBinary } from '../base/bytes';
import type { KdfCost } from './kdf-cost';
import { KdfLimitError, withKdfLimits } from './kdf-guard';

/** The outcome of decrypting an EncryptedPrivateKeyInfo. */
export type PbeResult =
	| { ok: true; pkcs8: Uint8Array }
	| { ok: false; reason: 'wrong-passphrase' | 'unsupported'; cause?: unknown }
	| { ok: false; reason: 'too-costly'; cost: KdfCost | null; total: bigint };

/**
 * Decrypts an EncryptedPrivateKeyInfo with node-forge.
 * @returns the PKCS#8 DER (the caller zeroes it); 'wrong-passphrase' when it does not open;
 *   'unsupported' for an unknown scheme; 'too-costly' when its derivation is above the import
 *   cost limits (checked before it runs). Never throws.
 */
export function decryptLegacyPkcs8(der: Uint8Array, passphrase: string): PbeResult {
	let asn: forge.asn1.Asn1;
	try {
		asn = forge.asn1.fromDer(toBinary(der), true);
	} catch (cause) {
		return { ok: false, reason: 'unsupported', cause };
	}
	let plain: unknown;
	try {
		// Typed as always returning, but node-forge returns null when the padding is wrong.
		plain = withKdfLimits(() => forge.pki.decryptPrivateKeyInfo(asn, passphrase));
	} catch (cause) {
		if (cause instanceof KdfLimitError) return { ok: false, reason: 'too-costly', cost: cause.cost, total: cause.total };
		const message = cause instanceof Error ? cause.message : '';
		return { ok: false, reason: /unsupported|cannot read/i.test(message) ? 'unsupported' : 'wrong-passphrase', cause };
	}
	if (!plain) return { ok: false, reason: 'wrong-passphrase' };
	return { ok: true, pkcs8: fromBinary(forge.asn1.toDer(plain as forge.asn1.Asn1).getBytes()) };
}
