/**
 * Certificate and private key import, listing, export and deletion.
 *
 * Import is atomic per file: everything is read, checked and turned into CryptoKeys first,
 * then one readwrite transaction writes all items or none. Inside a bundle, certificates
 * already stored are skipped (a chain that repeats a stored CA imports its new items); a file
 * that brings nothing new fails with "Fingerprint already taken".
 */
import { ImportError, unrecognised } from '../pki/errors';
import { readInput, wipe, type ReadInput } from '../pki/read';
import { Certificate, extendedKeyUsageName } from '../pki/certificate';
import { evaluateTrust } from '../pki/chain';
import { describeCertificate, type CertificateInfo } from '../pki/describe';
import { unsupportedCertificateMessage } from '../pki/key-algorithm';
import { buildPrivateKeySet, certificatePublicId, identifyPrivateKey, type IdentifiedKey } from '../pki/keys';
import { toPem } from '../pki/pem';
import { equalBytes } from '../base/bytes';
import type { PrivateKeySet } from '../pki/keyset';
import type { CertificateRecord, KeyRecord } from '../store/records';
import { certificateStore, keyStore, settingStore } from '../store/repositories';
import { readTransaction, withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';
import { CUSTODY_CHANGING, currentCustody, custodyUnchanged, seal, touchVault, type Custody } from './vault';

/** How many times an import seals again when another tab changed the custody settings meanwhile. */
const CUSTODY_ATTEMPTS = 5;

/** What one import added. */
export interface ImportSummary {
	/** The certificates stored by this import (already-stored ones in a bundle are not listed). */
	certificates: CertificateInfo[];
	/** The private keys stored, by their certificate's fingerprint. */
	privateKeys: { fingerprint: string }[];
}

/** Zammad's sentence for a certificate that is not for S/MIME. */
export const NOT_SMIME_CERTIFICATE = 'The certificate is not valid for S/MIME usage. Please check the key usage, subject alternative name and public key cryptographic algorithm.';
/** The refusal for a key without its certificate. */
export const NO_MATCHING_CERTIFICATE = 'This private key matches no imported certificate. Add the certificate first.';
/** The refusal while S/MIME is off. */
export const ENABLE_FIRST = 'Enable S/MIME first.';

/** Whether S/MIME is enabled. */
export async function isEnabled(ctx: DeskContext): Promise<boolean> {
	return settingStore.read(ctx.db, 'enabled');
}

/** Turns S/MIME on or off. */
export async function setEnabled(ctx: DeskContext, on: boolean): Promise<void> {
	await withWriteTransaction(ctx.db, ['settings'], (tx) => settingStore.write(tx, 'enabled', on));
	announce(ctx, ['settings']);
}

function isConstraintError(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConstraintError';
}

function duplicate(info: CertificateInfo): ImportError {
	return new ImportError('duplicate', `Fingerprint already taken: ${info.subject} (sha1 ${info.sha1}).`);
}

interface PreparedCertificate {
	record: CertificateRecord;
	exists: boolean;
}

async function prepareCertificates(ctx: DeskContext, name: string, ders: Uint8Array[]): Promise<PreparedCertificate[]> {
	const importedAt = ctx.now().toISOString();
	// Digests run concurrently (large bundles); the first failure in file order is reported.
	const settled = await Promise.allSettled(
		ders.map(async (der): Promise<CertificateRecord> => {
			let cert: Certificate;
			try {
				cert = Certificate.parse(der);
			} catch (cause) {
				throw unrecognised(name, cause);
			}
			const kind = cert.keyKind;
			if (!kind.ok) throw new ImportError('unsupported-algorithm', unsupportedCertificateMessage(kind.name));
			const [info, publicId] = await Promise.all([describeCertificate(cert, ctx.crypto), certificatePublicId(cert, ctx.crypto)]);
			if (!info.smime) throw new ImportError('not-smime', NOT_SMIME_CERTIFICATE);
			if (publicId === null) throw new ImportError('unsupported-algorithm', NOT_SMIME_CERTIFICATE);
			return { fingerprint: info.fingerprint, der: new Uint8Array(der), info, emails: info.emails, publicId, importedAt };
		})
	);
	const seen = new Set<string>();
	const records: CertificateRecord[] = [];
	for (const result of settled) {
		if (result.status === 'rejected') throw result.reason;
		if (seen.has(result.value.fingerprint)) continue;
		seen.add(result.value.fingerprint);
		records.push(result.value);
	}
	const tx = readTransaction(ctx.db, ['certificates']);
	const existing = await Promise.all(records.map((r) => certificateStore.exists(tx, r.fingerprint)));
	return records.map((record, i) => ({ record, exists: existing[i] === true }));
}

/** A private key ready to store: its CryptoKeys, and for RSA the PKCS#8 to seal (zeroed after the import). */
interface PreparedKey {
	record: KeyRecord;
	/** The plaintext PKCS#8 of an RSA key, sealed for the legacy path unless custody is strict. */
	sealable: Uint8Array | null;
}

async function prepareKeys(ctx: DeskContext, name: string, pkcs8s: Uint8Array[], certs: PreparedCertificate[]): Promise<PreparedKey[]> {
	const identified: IdentifiedKey[] = [];
	for (const pkcs8 of pkcs8s) identified.push(await identifyPrivateKey(pkcs8, name, ctx.crypto));
	const prepared: PreparedKey[] = [];
	for (const key of identified) {
		let fingerprint = certs.find((c) => c.record.publicId === key.publicId)?.record.fingerprint;
		fingerprint ??= (await certificateStore.byPublicId(ctx.db, key.publicId))?.fingerprint;
		if (fingerprint === undefined) throw new ImportError('no-matching-certificate', NO_MATCHING_CERTIFICATE);
		if (prepared.some((p) => p.record.fingerprint === fingerprint)) continue;
		const keys: PrivateKeySet = await buildPrivateKeySet(key, fingerprint, ctx.crypto);
		prepared.push({ record: { fingerprint, keys }, sealable: key.kind.algorithm === 'RSA' ? new Uint8Array(key.pkcs8) : null });
	}
	return prepared;
}

/**
 * The key records as the custody settings want them now: a sealed copy for each RSA key,
 * unless custody is strict.
 * @throws ImportError 'vault-locked' when an RSA key needs sealing and the vault is locked
 */
async function sealedRecords(ctx: DeskContext, keys: PreparedKey[], custody: Custody): Promise<KeyRecord[]> {
	const records: KeyRecord[] = [];
	for (const { record, sealable } of keys) {
		if (!sealable || custody.strict) {
			records.push(record);
			continue;
		}
		if (!custody.key) throw new ImportError('vault-locked', 'Unlock the key vault first.');
		records.push({ ...record, sealed: await seal(ctx.crypto, custody.key, sealable) });
	}
	if (records.some((r) => r.sealed)) await touchVault(ctx);
	return records;
}

/**
 * Imports every certificate and private key in one file or pasted text, atomically.
 * @returns what was stored
 * @throws ImportError with the user-facing sentence: 'disabled' ("Enable S/MIME first."),
 *   'unrecognised', 'passphrase-required', 'wrong-passphrase', 'unsupported-algorithm',
 *   'not-smime', 'duplicate' ("Fingerprint already taken: ..."), 'no-matching-certificate',
 *   'vault-locked'. After any error the store is unchanged.
 */
export async function importFile(ctx: DeskContext, input: ReadInput): Promise<ImportSummary> {
	if (!(await isEnabled(ctx))) throw new ImportError('disabled', ENABLE_FIRST);
	const read = await readInput(input, ctx.crypto, { legacy: ctx.legacy });
	let certs: PreparedCertificate[];
	let keys: PreparedKey[] = [];
	try {
		certs = await prepareCertificates(ctx, input.name, read.certificates);
		keys = await prepareKeys(ctx, input.name, read.privateKeys, certs);
		return await storeImport(ctx, input.name, certs, keys);
	} finally {
		wipe(read);
		for (const key of keys) key.sealable?.fill(0);
	}
}

/** Writes an import in one transaction, sealing for the custody settings that transaction sees. */
async function storeImport(ctx: DeskContext, name: string, certs: PreparedCertificate[], keys: PreparedKey[]): Promise<ImportSummary> {
	const fresh = certs.filter((c) => !c.exists);
	const unstored: PreparedKey[] = [];
	for (const k of keys) if (!(await keyStore.exists(ctx.db, k.record.fingerprint))) unstored.push(k);
	const firstCert = certs[0];
	if (fresh.length === 0 && unstored.length === 0) {
		if (firstCert) throw duplicate(firstCert.record.info);
		throw new ImportError('duplicate', 'This private key is already imported.');
	}
	for (let attempt = 0; attempt < CUSTODY_ATTEMPTS; attempt++) {
		const custody = await currentCustody(ctx);
		const newKeys = await sealedRecords(ctx, unstored, custody);
		if (await writeImport(ctx, name, fresh, newKeys, custody)) {
			announce(ctx, ['certificates', 'keys', 'logs']);
			const withKey = new Set(newKeys.map((k) => k.fingerprint));
			return {
				certificates: fresh.map((c) => withKeyFlag(c.record, withKey)),
				privateKeys: newKeys.map((k) => ({ fingerprint: k.fingerprint }))
			};
		}
	}
	throw new ImportError('custody-changed', CUSTODY_CHANGING);
}

/**
 * One import's transaction.
 * @returns false, having written nothing, when another tab changed the custody settings since
 *   the keys were sealed (the caller seals again)
 */
async function writeImport(ctx: DeskContext, name: string, fresh: PreparedCertificate[], newKeys: KeyRecord[], custody: Custody): Promise<boolean> {
	const writes: Promise<unknown>[] = [];
	try {
		return await withWriteTransaction(
			ctx.db,
			['certificates', 'keys', 'logs', 'settings'],
			async (tx, control) => {
				if (newKeys.length > 0 && !(await custodyUnchanged(tx, custody))) {
					await control.abandon();
					return false;
				}
				// The writes are queued without awaiting each one: a round trip per record made a
				// 1,000-certificate bundle several seconds slower. A record another tab stored in the
				// meantime fails its add() with a ConstraintError, which aborts the whole transaction.
				let step = 0;
				for (const c of fresh) {
					ctx.onImportWrite?.(step++);
					writes.push(
						certificateStore.add(tx, c.record).catch((cause: unknown) => {
							throw isConstraintError(cause) ? duplicate(c.record.info) : cause;
						})
					);
				}
				for (const k of newKeys) {
					ctx.onImportWrite?.(step++);
					writes.push(keyStore.add(tx, k));
				}
				await Promise.all(writes);
				const detail = [...fresh.map((c) => `certificate ${c.record.info.subject} (${c.record.fingerprint})`), ...newKeys.map((k) => `private key for ${k.fingerprint}`)].join('; ');
				await appendLog(tx, { direction: 'admin', operation: 'import', status: 'success', detail: `"${name}": ${detail}`, messageId: null }, ctx.now());
				return true;
			},
			{ notStored: 'Nothing was imported.', otherwise: `"${name}" could not be stored.`, passThrough: (error) => error instanceof ImportError }
		);
	} finally {
		// Queued writes of an aborted import settle (rejected) before the caller goes on.
		await Promise.allSettled(writes);
	}
}

function withKeyFlag(record: CertificateRecord, keyed: Set<string>): CertificateInfo {
	return { ...record.info, hasPrivateKey: keyed.has(record.fingerprint), source: record.source ?? 'import' };
}

/** Every stored certificate, sorted by subject. */
export async function listCertificates(ctx: DeskContext): Promise<CertificateInfo[]> {
	const tx = readTransaction(ctx.db, ['certificates', 'keys']);
	const [records, keyed] = await Promise.all([certificateStore.all(tx), keyStore.fingerprints(tx)]);
	const set = new Set(keyed);
	return records.map((r) => withKeyFlag(r, set)).sort((a, b) => a.subject.localeCompare(b.subject));
}

/** One certificate, or null when none has this fingerprint. */
export async function getCertificate(ctx: DeskContext, fingerprint: string): Promise<CertificateInfo | null> {
	const record = await certificateStore.byFingerprint(ctx.db, fingerprint.toLowerCase());
	if (!record) return null;
	const hasKey = await keyStore.exists(ctx.db, record.fingerprint);
	return withKeyFlag(record, hasKey ? new Set([record.fingerprint]) : new Set());
}

/** The certificates for an email address (case-insensitive), for signing and encryption lookups. */
export async function findCertificatesByEmail(ctx: DeskContext, email: string): Promise<CertificateInfo[]> {
	const tx = readTransaction(ctx.db, ['certificates', 'keys']);
	const records = await certificateStore.byEmail(tx, email.trim().toLowerCase());
	const keyed = new Set(await keyStore.fingerprints(tx));
	return records.map((r) => withKeyFlag(r, keyed));
}

/** The DER of every stored certificate (the trust store and intermediates for chain building). */
export async function allCertificateDers(ctx: DeskContext): Promise<Uint8Array[]> {
	return (await certificateStore.all(ctx.db)).map((r) => r.der);
}

/** The DER of every stored CA certificate: the only candidates for a signer's chain. */
export async function caCertificateDers(ctx: DeskContext): Promise<Uint8Array[]> {
	return (await certificateStore.all(ctx.db)).filter((r) => r.info.isCA).map((r) => r.der);
}

/** One certificate's DER, or null. */
export async function certificateDer(ctx: DeskContext, fingerprint: string): Promise<Uint8Array | null> {
	return (await certificateStore.byFingerprint(ctx.db, fingerprint.toLowerCase()))?.der ?? null;
}

/**
 * A certificate as PEM, for download.
 * @throws Error "No certificate has this fingerprint." when it is not stored
 */
export async function certificatePem(ctx: DeskContext, fingerprint: string): Promise<string> {
	const der = await certificateDer(ctx, fingerprint);
	if (!der) throw new Error('No certificate has this fingerprint.');
	return toPem('CERTIFICATE', der);
}

/** The private key set of a certificate, or null when it has no private key. */
export async function privateKeySetFor(ctx: DeskContext, fingerprint: string): Promise<PrivateKeySet | null> {
	return (await keyStore.byFingerprint(ctx.db, fingerprint.toLowerCase()))?.keys ?? null;
}

/** Records the SMIMECapabilities learned from a signed mail of the certificate's owner. Does nothing for an unknown fingerprint. */
export async function recordCapabilities(ctx: DeskContext, fingerprint: string, capabilities: unknown): Promise<void> {
	const recorded = await withWriteTransaction(ctx.db, ['certificates'], (tx) => certificateStore.setCapabilities(tx, fingerprint, capabilities));
	if (recorded) announce(ctx, ['certificates']);
}

/** The capabilities recorded for a certificate, or null. */
export async function capabilitiesOf(ctx: DeskContext, fingerprint: string): Promise<unknown> {
	return (await certificateStore.byFingerprint(ctx.db, fingerprint))?.capabilities ?? null;
}

/**
 * Deletes a certificate and its private key.
 * @throws Error "No certificate has this fingerprint." when it is not stored
 */
export async function deleteCertificate(ctx: DeskContext, fingerprint: string): Promise<void> {
	const fp = fingerprint.toLowerCase();
	await withWriteTransaction(ctx.db, ['certificates', 'keys', 'logs'], async (tx) => {
		const record = await certificateStore.byFingerprint(tx, fp);
		if (!record) throw new Error('No certificate has this fingerprint.');
		await certificateStore.remove(tx, fp);
		await keyStore.remove(tx, fp);
		await appendLog(tx, { direction: 'admin', operation: 'delete', status: 'success', detail: `certificate ${record.info.subject} (${fp})`, messageId: null }, ctx.now());
	});
	announce(ctx, ['certificates', 'keys', 'logs']);
}

/**
 * Deletes only the private key of a certificate (CryptoKeys and sealed copy).
 * @throws Error "This certificate has no private key." when there is none
 */
export async function deletePrivateKey(ctx: DeskContext, fingerprint: string): Promise<void> {
	const fp = fingerprint.toLowerCase();
	await withWriteTransaction(ctx.db, ['keys', 'logs'], async (tx) => {
		if (!(await keyStore.exists(tx, fp))) throw new Error('This certificate has no private key.');
		await keyStore.remove(tx, fp);
		await appendLog(tx, { direction: 'admin', operation: 'delete-key', status: 'success', detail: `private key for ${fp}`, messageId: null }, ctx.now());
	});
	announce(ctx, ['keys', 'logs']);
}

/** Whether a certificate chains to another stored certificate, as the details view says it. */
export type ChainVerdict =
	/** A path leads to an imported certificate other than itself. */
	| { status: 'chained'; anchor: string; sentence: string }
	/** An imported certificate no other imported certificate vouches for: trusted as itself. */
	| { status: 'anchor-only'; sentence: string }
	/** Learned from mail: never an anchor, and no path to an imported certificate now. */
	| { status: 'untrusted'; sentence: string }
	/** Not fit for its purpose (EKU, key usage, unknown critical extension). */
	| { status: 'unfit'; sentence: string };

/** Everything the certificate details view shows, read from the DER in the desk: structured-cloneable. */
export interface CertificateDetails {
	info: CertificateInfo;
	/** subjectAltName entries as "email: …", "DNS: …", "URI: …", "IP: …". */
	subjectAltNames: string[];
	/** keyUsage bit names; null when the extension is absent (not restricted). */
	keyUsage: string[] | null;
	/** extendedKeyUsage names (OpenSSL's short names, else the OID); null when absent. */
	extendedKeyUsage: string[] | null;
	chain: ChainVerdict;
}

/** The sentence for a CA certificate learned from mail. */
export const LEARNED_CA = 'Learned from mail: it serves as an intermediate, never as a trust anchor.';
/** The sentence for a learned end-entity certificate with no path to an imported one. */
export const LEARNED_UNTRUSTED = 'Learned from mail, and no imported certificate vouches for it now: it is not trusted.';
/** The sentence for an imported end-entity certificate no other imported certificate issued. */
export const TRUSTED_AS_ITSELF = 'No imported CA issued it: it is trusted only as itself.';

/**
 * The details of one stored certificate: subjectAltName, key usage, extended key usage, and
 * whether it chains to another imported certificate at `at`. Imported certificates other than
 * this one are the anchors (never itself, or every one would "chain" to itself); learned ones
 * serve only as intermediates.
 * @param at - the instant validity is judged at (the page passes the `now` its badges use)
 * @throws Error "No certificate has this fingerprint." when it is not stored
 */
export async function certificateDetails(ctx: DeskContext, fingerprint: string, at: Date): Promise<CertificateDetails> {
	const fp = fingerprint.toLowerCase();
	const tx = readTransaction(ctx.db, ['certificates', 'keys']);
	const [records, keyed] = await Promise.all([certificateStore.all(tx), keyStore.fingerprints(tx)]);
	const record = records.find((r) => r.fingerprint === fp);
	if (!record) throw new Error('No certificate has this fingerprint.');
	const info = withKeyFlag(record, new Set(keyed));
	const cert = Certificate.parse(record.der);
	const keyUsage = cert.keyUsage;
	const extendedKeyUsage = cert.extendedKeyUsage;
	const others = records.filter((r) => r.fingerprint !== fp);
	return {
		info,
		subjectAltNames: cert.subjectAltNames.map((n) => `${n.type}: ${n.value}`),
		keyUsage: keyUsage ? [...keyUsage] : null,
		extendedKeyUsage: extendedKeyUsage ? extendedKeyUsage.map(extendedKeyUsageName) : null,
		chain: await chainVerdict(ctx, cert, info, others, at)
	};
}

async function chainVerdict(ctx: DeskContext, cert: Certificate, info: CertificateInfo, others: CertificateRecord[], at: Date): Promise<ChainVerdict> {
	const learned = info.source === 'mail';
	if (info.isCA) {
		if (learned) return { status: 'untrusted', sentence: LEARNED_CA };
		const sentence = cert.selfIssued ? 'Self-signed CA: trusted because it is imported.' : 'Imported CA: trusted as an anchor for the certificates it issued.';
		return { status: 'anchor-only', sentence };
	}
	const anchors = others.filter((r) => r.source !== 'mail');
	const result = await evaluateTrust({
		leaf: cert.der,
		untrusted: [],
		anchors: anchors.map((r) => r.der),
		intermediates: others.filter((r) => r.source === 'mail').map((r) => r.der),
		now: at,
		crypto: ctx.crypto,
		purpose: info.usage.sign ? 'sign' : 'encrypt'
	});
	if (result.status === 'invalid') return { status: 'unfit', sentence: result.reason };
	if (result.status === 'untrusted') return learned ? { status: 'untrusted', sentence: LEARNED_UNTRUSTED } : { status: 'anchor-only', sentence: TRUSTED_AS_ITSELF };
	const anchorDer = result.anchor;
	const anchor = anchors.find((r) => equalBytes(r.der, anchorDer))?.info.subject ?? info.issuer;
	const lapsed = result.expired.filter((e) => e.when.includes('now')).map((e) => Certificate.parse(e.certificate).subject);
	const sentence = `Chains to the imported certificate ${anchor}.` + (lapsed.length > 0 ? ` Not valid at this time: ${lapsed.join(', ')}.` : '');
	return { status: 'chained', anchor, sentence };
}
