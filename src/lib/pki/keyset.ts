/**
 * The non-extractable CryptoKeys made from one imported private key, one per use that
 * WebCrypto offers. Every layer that signs or decrypts receives this shape.
 *
 * RSA keys bind their hash at import time, so RSA-OAEP has one key per hash.
 * Signing always uses SHA-256 (the algorithm policy), so the RSASSA and RSA-PSS keys are
 * imported with SHA-256.
 */
export type KeyAlgorithmName = 'RSA' | 'EC' | 'Ed25519' | 'X25519';

export type OaepHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface PrivateKeySet {
	/** SHA-256 fingerprint (lower-case hex) of the certificate this key belongs to. */
	fingerprint: string;
	algorithm: KeyAlgorithmName;
	/** For EC keys. */
	namedCurve?: 'P-256' | 'P-384' | 'P-521';
	/** RSA modulus length in bits, for RSA keys. */
	modulusLength?: number;
	sign: {
		/** RSASSA-PKCS1-v1_5 with SHA-256. */
		pkcs1?: CryptoKey;
		/** RSA-PSS with SHA-256. */
		pss?: CryptoKey;
		/** ECDSA on namedCurve (the hash is chosen per call). */
		ecdsa?: CryptoKey;
		ed25519?: CryptoKey;
	};
	decrypt: {
		/** RSA-OAEP, one key per hash. */
		oaep?: Partial<Record<OaepHash, CryptoKey>>;
		/** ECDH on namedCurve, for deriveBits. */
		ecdh?: CryptoKey;
		/** X25519, for deriveBits. */
		x25519?: CryptoKey;
	};
}

/**
 * Opens the sealed RSA PKCS#8 for one RSAES-PKCS1-v1_5 decryption (the legacy path).
 * Returns null when strict key custody keeps no sealed copy, or when the vault is locked.
 * The caller must zero the returned buffer when done.
 */
export type LegacyKeyOpener = () => Promise<Uint8Array | null>;
