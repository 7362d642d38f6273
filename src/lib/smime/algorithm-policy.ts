/**
 * The sending side of the algorithm policy (ARCHITECTURE.md, "Algorithm policy"): what we
 * advertise in SMIMECapabilities, which content encryption a message gets (AES-256-CBC in
 * EnvelopedData unless every recipient advertised AES-256-GCM, or the admin forces one), and
 * which RSA key transport each recipient gets (PKCS#1 v1.5 unless it advertised RSA-OAEP with
 * SHA-256).
 */
import type { SmimeCapability } from '../cms/attributes';
import type { ContentEncryption, KeyTransport } from '../cms/enveloped';
import { algId, derNull, der, seq } from '../cms/enveloped-asn1';
import * as O from '../base/oids';
import type { KeyAlgorithmName } from '../pki/keyset';

/** The admin setting for content encryption: choose from capabilities, or force one. */
export type ContentEncryptionSetting = 'auto' | 'cbc' | 'gcm';

/** The RSA signature scheme setting: PKCS#1 v1.5 (default) or RSA-PSS. */
export type SignatureSchemeSetting = 'pkcs1' | 'pss';

/** The content encryption settings accepted by {@link chooseContentEncryption}. */
export const CONTENT_ENCRYPTION_SETTINGS: readonly ContentEncryptionSetting[] = ['auto', 'cbc', 'gcm'];

/** The signature schemes accepted by the settings. */
export const SIGNATURE_SCHEMES: readonly SignatureSchemeSetting[] = ['pkcs1', 'pss'];

const SHA256_ALG = algId(O.OID_SHA256, derNull());

/** DER of RSAES-OAEP-params with SHA-256 and MGF1-SHA-256 (RFC 4055 §4.1; the label is the default empty one). */
export const OAEP_SHA256_PARAMS: Uint8Array = seq(der(0xa0, SHA256_ALG), der(0xa1, algId(O.OID_MGF1, SHA256_ALG)));

/**
 * What a Sealdesk user with a key of this algorithm can decrypt, in our order of preference,
 * for the SMIMECapabilities signed attribute (RFC 8551 §2.5.2). Content ciphers come first
 * (authenticated ones before CBC; 3DES is readable but never asked for), then the key
 * transport or agreement that fits the key.
 */
export function ourCapabilities(keyAlgorithm: KeyAlgorithmName): SmimeCapability[] {
	const caps: SmimeCapability[] = [
		{ oid: O.OID_AES256_GCM },
		{ oid: O.OID_AES128_GCM },
		{ oid: O.OID_CHACHA20_POLY1305 },
		{ oid: O.OID_AES256_CBC },
		{ oid: O.OID_AES192_CBC },
		{ oid: O.OID_AES128_CBC }
	];
	if (keyAlgorithm === 'RSA') {
		caps.push({ oid: O.OID_RSAES_OAEP, parameters: OAEP_SHA256_PARAMS }, { oid: O.OID_RSA_ENCRYPTION, parameters: derNull() });
	} else if (keyAlgorithm === 'EC') {
		caps.push({ oid: O.OID_DH_SINGLE_PASS_SHA256KDF, parameters: algId(O.OID_AES256_WRAP) });
	}
	return caps;
}

/**
 * Reads capabilities as the store keeps them (the receive side records them per certificate,
 * opaque to the store): an array of `{ oid, parameters? }` or of OID strings.
 * Returns null when nothing usable was recorded (unknown shapes count as nothing).
 */
export function normalizeCapabilities(recorded: unknown): SmimeCapability[] | null {
	if (!Array.isArray(recorded)) return null;
	const out: SmimeCapability[] = [];
	for (const item of recorded as unknown[]) {
		if (typeof item === 'string') out.push({ oid: item });
		else if (typeof item === 'object' && item !== null && typeof (item as { oid?: unknown }).oid === 'string') {
			const { oid, parameters } = item as { oid: string; parameters?: unknown };
			out.push(parameters instanceof Uint8Array ? { oid, parameters } : { oid });
		}
	}
	return out;
}

/** True when the capabilities advertise AES-256-GCM. */
export function advertisesGcm(caps: readonly SmimeCapability[] | null): boolean {
	return caps?.some((c) => c.oid === O.OID_AES256_GCM) ?? false;
}

/**
 * True when the capabilities advertise RSAES-OAEP with SHA-256. Absent parameters mean the
 * SHA-1 defaults of RFC 8017, which we do not send, so they do not count.
 */
export function advertisesOaepSha256(caps: readonly SmimeCapability[] | null): boolean {
	const sha256 = algId(O.OID_SHA256).subarray(2); // the OID TLV
	return (
		caps?.some((c) => c.oid === O.OID_RSAES_OAEP && c.parameters !== undefined && indexOf(c.parameters, sha256) !== -1) ?? false
	);
}

/**
 * The content encryption of a message: the forced one when the setting says 'cbc' or 'gcm';
 * with 'auto', AES-256-GCM (AuthEnvelopedData) when every recipient advertised it, else
 * AES-256-CBC (EnvelopedData). An empty recipient list gives CBC.
 */
export function chooseContentEncryption(
	recipients: readonly { capabilities: readonly SmimeCapability[] | null }[],
	setting: ContentEncryptionSetting
): ContentEncryption {
	if (setting === 'cbc') return 'aes-256-cbc';
	if (setting === 'gcm') return 'aes-256-gcm';
	return recipients.length > 0 && recipients.every((r) => advertisesGcm(r.capabilities)) ? 'aes-256-gcm' : 'aes-256-cbc';
}

/** RSA key transport for one recipient: RSA-OAEP with SHA-256 when it advertised it, else PKCS#1 v1.5. */
export function chooseKeyTransport(capabilities: readonly SmimeCapability[] | null): KeyTransport {
	return advertisesOaepSha256(capabilities) ? 'rsa-oaep-sha256' : 'rsa-pkcs1';
}

/** Readable name of a content encryption, for logs: 'AES-256-CBC' or 'AES-256-GCM'. */
export function contentEncryptionName(c: ContentEncryption): string {
	return c === 'aes-256-gcm' ? 'AES-256-GCM' : 'AES-256-CBC';
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
	outer: for (let i = 0; i + needle.length <= hay.length; i++) {
		for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
		return i;
	}
	return -1;
}
