/**
 * Keeping the certificates of trusted signers (issue 15, point 8): after a `valid` verdict,
 * the signer's end-entity certificate and the CA certificates between it and the imported
 * anchor are stored as contact certificates, marked `source: 'mail'` and logged, so that a
 * reply can be encrypted to the signer. Certificates already stored are left as they are; a
 * newer certificate for the same address is stored beside an older one, never over it.
 */
import type { CertificateRecord } from '../store/records';
import { certificateStore } from '../store/repositories';
import { withWriteTransaction } from '../store/transaction';
import { Certificate } from '../pki/certificate';
import { describeCertificate } from '../pki/describe';
import { certificatePublicId } from '../pki/keys';
import type { TrustedSigner } from '../smime/incoming-types';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';

/** A record for a certificate learned from mail, or null when it is not one we would import (unreadable, unsupported, not for S/MIME). */
async function learnedRecord(der: Uint8Array, ctx: DeskContext): Promise<CertificateRecord | null> {
	try {
		const cert = Certificate.parse(der);
		if (!cert.keyKind.ok) return null;
		const [info, publicId] = await Promise.all([describeCertificate(cert, ctx.crypto), certificatePublicId(cert, ctx.crypto)]);
		if (!info.smime || publicId === null) return null;
		const own = new Uint8Array(der);
		return { fingerprint: info.fingerprint, der: own, info, emails: info.emails, publicId, importedAt: ctx.now().toISOString(), source: 'mail' };
	} catch {
		return null;
	}
}

/**
 * Stores the certificates of the signers of a valid message that are not stored yet, with one
 * log entry each, in one transaction. The caller passes only the signers of a message whose
 * sign status is 'valid' (never untrusted, invalid, expired or sender-mismatch).
 * @returns the fingerprints stored
 * @throws Error when IndexedDB refuses the write (nothing is then stored)
 */
export async function learnCertificates(ctx: DeskContext, signers: readonly TrustedSigner[], messageId: string | undefined): Promise<string[]> {
	const ders = signers.flatMap((s) => [s.certificate, ...(s.intermediates ?? [])]);
	if (ders.length === 0) return [];
	const records: CertificateRecord[] = [];
	for (const der of ders) {
		const record = await learnedRecord(der, ctx);
		if (record && !records.some((r) => r.fingerprint === record.fingerprint)) records.push(record);
	}
	if (records.length === 0) return [];
	const stored = await withWriteTransaction(
		ctx.db,
		['certificates', 'logs'],
		async (tx) => {
			const added: string[] = [];
			for (const record of records) {
				if (await certificateStore.exists(tx, record.fingerprint)) continue;
				await certificateStore.add(tx, record);
				const detail = `Learned from a valid signed mail: certificate ${record.info.subject} (${record.fingerprint})`;
				await appendLog(tx, { direction: 'in', operation: 'learn-certificate', status: 'success', detail, messageId: messageId ?? null }, ctx.now());
				added.push(record.fingerprint);
			}
			return added;
		},
		{ notStored: 'The signer certificates were not stored.', otherwise: 'The signer certificates could not be stored.' }
	);
	if (stored.length > 0) announce(ctx, ['certificates', 'logs']);
	return stored;
}

/**
 * The stored certificates as reading needs them: the imported ones (trust anchors) and the
 * ones learned from mail (signer look-up and intermediates only: learning never adds trust).
 */
export async function storedCertificates(ctx: DeskContext): Promise<{ anchors: Uint8Array[]; learned: Uint8Array[] }> {
	const anchors: Uint8Array[] = [];
	const learned: Uint8Array[] = [];
	for (const r of await certificateStore.all(ctx.db)) (r.source === 'mail' ? learned : anchors).push(r.der);
	return { anchors, learned };
}
