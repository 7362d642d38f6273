/**
 * The 'certificates' store (records: {@link CertificateRecord}).
 */
import type { CertificateRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The certificate with this (lower-case) fingerprint, or undefined. */
export function byFingerprint(source: Source<'certificates'>, fingerprint: string): Promise<CertificateRecord | undefined> {
	return onStore(source, 'certificates', 'readonly', (s) => s.get(fingerprint));
}

/** Whether a certificate with this fingerprint is stored (reads no record). */
export async function exists(source: Source<'certificates'>, fingerprint: string): Promise<boolean> {
	return (await onStore(source, 'certificates', 'readonly', (s) => s.getKey(fingerprint))) !== undefined;
}

/** The first certificate whose public key has this identity (see pki/keys certificatePublicId), or undefined. */
export function byPublicId(source: Source<'certificates'>, publicId: string): Promise<CertificateRecord | undefined> {
	return onStore(source, 'certificates', 'readonly', (s) => s.index('publicId').get(publicId));
}

/** The certificates of a lower-cased email address (the multiEntry `emails` index). */
export function byEmail(source: Source<'certificates'>, email: string): Promise<CertificateRecord[]> {
	return onStore(source, 'certificates', 'readonly', (s) => s.index('emails').getAll(email));
}

/** Every stored certificate, by fingerprint. */
export function all(source: Source<'certificates'>): Promise<CertificateRecord[]> {
	return onStore(source, 'certificates', 'readonly', (s) => s.getAll());
}

/**
 * Adds a new certificate.
 * @throws a ConstraintError (aborting the transaction) when one with its fingerprint is stored
 */
export async function add(tx: WriteTx<'certificates'>, record: CertificateRecord): Promise<void> {
	await tx.objectStore('certificates').add(record);
}

/**
 * Records the SMIMECapabilities learned for a stored certificate.
 * @returns false, writing nothing, when no certificate has this fingerprint
 */
export async function setCapabilities(tx: WriteTx<'certificates'>, fingerprint: string, capabilities: unknown): Promise<boolean> {
	const store = tx.objectStore('certificates');
	const record = await store.get(fingerprint);
	if (!record) return false;
	await store.put({ ...record, capabilities });
	return true;
}

/** Deletes a certificate (nothing when none has this fingerprint). */
export async function remove(tx: WriteTx<'certificates'>, fingerprint: string): Promise<void> {
	await tx.objectStore('certificates').delete(fingerprint);
}
