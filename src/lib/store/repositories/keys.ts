/**
 * The 'keys' store: private keys by their certificate's fingerprint (records: {@link KeyRecord}).
 */
import type { KeyRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The private key of the certificate with this fingerprint, or undefined. */
export function byFingerprint(source: Source<'keys'>, fingerprint: string): Promise<KeyRecord | undefined> {
	return onStore(source, 'keys', 'readonly', (s) => s.get(fingerprint));
}

/** Whether the certificate with this fingerprint has a private key (reads no record). */
export async function exists(source: Source<'keys'>, fingerprint: string): Promise<boolean> {
	return (await onStore(source, 'keys', 'readonly', (s) => s.getKey(fingerprint))) !== undefined;
}

/** Every private key. */
export function all(source: Source<'keys'>): Promise<KeyRecord[]> {
	return onStore(source, 'keys', 'readonly', (s) => s.getAll());
}

/** The fingerprints of every certificate that has a private key (reads no record). */
export function fingerprints(source: Source<'keys'>): Promise<string[]> {
	return onStore(source, 'keys', 'readonly', (s) => s.getAllKeys());
}

/**
 * Adds a new private key.
 * @throws a ConstraintError (aborting the transaction) when the certificate already has one
 */
export async function add(tx: WriteTx<'keys'>, record: KeyRecord): Promise<void> {
	await tx.objectStore('keys').add(record);
}

/** Replaces a stored private key (a re-sealed copy, or one whose sealed copy is dropped). */
export async function replace(tx: WriteTx<'keys'>, record: KeyRecord): Promise<void> {
	await tx.objectStore('keys').put(record);
}

/** Deletes a private key (nothing when there is none). */
export async function remove(tx: WriteTx<'keys'>, fingerprint: string): Promise<void> {
	await tx.objectStore('keys').delete(fingerprint);
}
