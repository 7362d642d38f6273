/**
 * Turning the layers found in a message into `article.security`: the sign status by the
 * architecture's precedence (invalid, untrusted, expired, sender-mismatch, valid), the
 * sender binding, and the encryption status of the top-level encryption.
 */
import type { DecryptResult } from '../cms/enveloped';
import { Certificate } from '../pki/certificate';
import {
	DECRYPT_FAILED,
	NOT_SIGNED_BY_SENDER,
	PRIVATE_KEY_NOT_FOUND,
	SIGNED_OUTSIDE_ENCRYPTION,
	STRICT_CUSTODY,
	VAULT_LOCKED,
	weakAlgorithm,
	weakCipher
} from './comments';
import type { SignatureLayer, SignerVerdict } from './incoming-sign';
import type { EncryptionResult, LayerSummary, SignResult } from './incoming-types';

/** A layer as the walk found it, outermost first. */
export type FoundLayer =
	| { kind: 'signed'; form: 'detached' | 'opaque'; layer: SignatureLayer }
	/** `result` is null when the envelope could not be read at all. */
	| { kind: 'encrypted'; result: DecryptResult | null };

/** The sentence for an unsigned message. */
export const NOT_SIGNED = 'The message is not signed.';
/** The sentence for an unencrypted message. */
export const NOT_ENCRYPTED = 'The message is not encrypted.';

const PRECEDENCE = ['invalid', 'untrusted', 'expired'] as const;

/** The worst status of a set of verdicts, by precedence; 'valid' when none is worse. */
function worstOf(verdicts: SignerVerdict[]): SignerVerdict['status'] {
	return PRECEDENCE.find((s) => verdicts.some((v) => v.status === s)) ?? 'valid';
}

/** Whether layer `index` covers the readable content (no encryption layer below it). */
function coversContent(layers: FoundLayer[], index: number): boolean {
	return layers.slice(index + 1).every((l) => l.kind === 'signed');
}

/**
 * The sign result over every signature layer. `from` is the lower-cased From address; the
 * sender is bound only through certificates whose key verified a signature and which chain
 * to an imported certificate.
 */
export function signResult(layers: FoundLayer[], from: string | undefined): SignResult {
	const signed = layers.flatMap((l, i) => (l.kind === 'signed' ? [{ l, i }] : []));
	if (signed.length === 0) return { status: 'none', comment: NOT_SIGNED };
	const verdicts = signed.flatMap((s) => s.l.layer.verdicts);
	const trustedEmails = new Set(verdicts.filter((v) => v.trusted).flatMap((v) => v.emails));
	const senderOk = from !== undefined && trustedEmails.has(from);
	// Only a certificate that verified the signature and chains to an imported one names the signer.
	const signer = senderOk ? from : verdicts.find((v) => v.trusted && v.emails.length > 0)?.emails[0];
	const worst = worstOf(verdicts);
	const sentences: string[] = [];
	let status: SignResult['status'];
	if (worst !== 'valid') {
		status = worst;
		sentences.push(unique(verdicts.filter((v) => v.status === worst).map((v) => v.comment)).join(worst === 'expired' ? ', ' : ' '));
		if (worst === 'expired' && !senderOk) sentences.push(NOT_SIGNED_BY_SENDER);
	} else if (!senderOk) {
		status = 'sender-mismatch';
		sentences.push(NOT_SIGNED_BY_SENDER);
	} else {
		status = 'valid';
		sentences.push(unique(verdicts.map((v) => v.comment)).join(', '));
	}
	for (const weak of unique(verdicts.flatMap((v) => (v.trusted && v.weak ? [v.weak] : [])))) sentences.push(weakAlgorithm(weak));
	if (!signed.some((s) => coversContent(layers, s.i))) sentences.push(SIGNED_OUTSIDE_ENCRYPTION);
	// An untrusted signer is still named from the certificate that verified the signature (issue 15).
	const named = signer ?? (status === 'untrusted' ? untrustedSigner(verdicts, from)?.email : undefined);
	return { status, ...(named ? { signer: named } : {}), comment: sentences.join(' ') };
}

/**
 * The untrusted signer to name: of the verdicts whose certificate verified the signature but
 * chains to nothing imported, the one whose addresses hold the From address, else the first.
 * @returns its certificate and the address to show, or null when no such verdict has one
 */
export function untrustedSigner(verdicts: readonly SignerVerdict[], from: string | undefined): { certificate: Uint8Array; email: string } | null {
	const named = verdicts.filter((v) => v.status === 'untrusted' && v.certificate && v.emails.length > 0);
	const chosen = named.find((v) => from !== undefined && v.emails.includes(from)) ?? named[0];
	if (!chosen?.certificate) return null;
	const email = from !== undefined && chosen.emails.includes(from) ? from : (chosen.emails[0] ?? '');
	return { certificate: chosen.certificate, email };
}

/**
 * The encryption result of the outermost encryption layer (the only one that counts as an
 * encrypted message), or null when the message has no encryption layer.
 */
export function encryptionResult(layers: FoundLayer[], legacyUnavailable: 'strict-custody' | 'vault-locked' | undefined): EncryptionResult | null {
	const layer = layers.find((l) => l.kind === 'encrypted');
	if (!layer) return null;
	const r = layer.result;
	if (!r) return { status: 'failed', comment: DECRYPT_FAILED };
	switch (r.status) {
		case 'decrypted': {
			const weak = /DES/i.test(r.contentEncryption) ? ` ${weakCipher(r.contentEncryption)}` : '';
			return { status: 'decrypted', comment: subjectOf(r.recipient) + weak };
		}
		case 'no-key':
			return { status: 'no-key', comment: PRIVATE_KEY_NOT_FOUND };
		case 'strict-custody':
			return { status: 'failed', comment: legacyUnavailable === 'vault-locked' ? VAULT_LOCKED : STRICT_CUSTODY };
		case 'failed':
			return { status: 'failed', comment: r.comment };
	}
}

/** The per-layer summary, outermost first. */
export function layerSummaries(layers: FoundLayer[]): LayerSummary[] {
	return layers.map((l, i): LayerSummary => {
		if (l.kind === 'signed') {
			return { kind: 'signed', form: l.form, status: worstOf(l.layer.verdicts), covers: coversContent(layers, i) ? 'content' : 'encrypted' };
		}
		const r = l.result;
		if (r?.status === 'decrypted') return { kind: 'encrypted', status: 'decrypted', contentEncryption: r.contentEncryption, keyTransport: r.keyTransport };
		return { kind: 'encrypted', status: r?.status === 'no-key' ? 'no-key' : 'failed' };
	});
}

function subjectOf(der: Uint8Array): string {
	try {
		return Certificate.parse(der).subject;
	} catch {
		return 'Decrypted.';
	}
}

function unique(items: string[]): string[] {
	return [...new Set(items)];
}
