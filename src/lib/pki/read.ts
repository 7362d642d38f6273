/**
 * Reads any certificate or key input, bytes or pasted text, by its content (never its file
 * name): PEM with any number of blocks, DER, PKCS#7 bundles, PKCS#8 (plain and encrypted),
 * traditional RSA/EC keys (plain and OpenSSL-encrypted) and PKCS#12.
 */
import * as asn1js from 'asn1js';
import { exact } from '../base/bytes';
import { ImportError, passphraseRequired, unrecognised, wrongPassphrase } from './errors';
import { parsePem, looksLikePem, type PemBlock } from './pem';
import { decryptPbes2, isEncryptedPkcs8, isPbes2, pkcs8Kind, wrapEcPrivateKey, wrapRsaPrivateKey } from './pkcs8';
import { unsupportedKeyMessage } from './key-algorithm';
import { MAX_ENCRYPTED_PEM_BODY, checkKdfCosts, encryptedPkcs8KdfCosts, pkcs12KdfCosts, tooCostlyInAllMessage, tooCostlyMessage, type KdfCost } from './kdf-limits';
import type { Pkcs12Result } from '../legacy/pkcs12';
import type { PbeResult } from '../legacy/pbe';
import { OID_SIGNED_DATA } from '../base/oids';

/**
 * The node-forge readers whose key derivations are slow and synchronous (PKCS#12 and the
 * PKCS#12 PBE). The desk runs them in a worker of their own, so a slow import cannot stop it
 * from answering; by default they run here.
 */
export interface LegacyReaders {
	/** legacy/pkcs12 readPkcs12. */
	readPkcs12(der: Uint8Array, passphrase: string): Promise<Pkcs12Result>;
	/** legacy/pbe decryptLegacyPkcs8. */
	decryptLegacyPkcs8(der: Uint8Array, passphrase: string): Promise<PbeResult>;
}

/** The legacy readers run in this thread, loaded only when an input needs them (a separate chunk). */
export const inProcessLegacyReaders: LegacyReaders = {
	async readPkcs12(der, passphrase) {
		return (await import('../legacy/pkcs12')).readPkcs12(der, passphrase);
	},
	async decryptLegacyPkcs8(der, passphrase) {
		return (await import('../legacy/pbe')).decryptLegacyPkcs8(der, passphrase);
	}
};

const legacyPem = () => import('../legacy/openssl-pem');

/** Options of readInput. */
export interface ReadOptions {
	/** Where the slow legacy readers run; defaults to {@link inProcessLegacyReaders}. */
	legacy?: LegacyReaders;
}

/** One input to read. */
export interface ReadInput {
	/** The file name, used only in messages. */
	name: string;
	/** File bytes or pasted text. */
	data: Uint8Array | string;
	/** For encrypted keys and PKCS#12. */
	passphrase?: string;
}

/** Everything found in one input, in file order. */
export interface ReadResult {
	/** DER certificates. */
	certificates: Uint8Array[];
	/** PKCS#8 PrivateKeyInfo DER. Plaintext key material: zero them when done ({@link wipe}). */
	privateKeys: Uint8Array[];
}

const SIGNED_DATA = OID_SIGNED_DATA;

/** Zeroes every plaintext private key in a read result. */
export function wipe(result: ReadResult): void {
	for (const key of result.privateKeys) key.fill(0);
}

function strictDer(bytes: Uint8Array): asn1js.AsnType | null {
	if (bytes.byteLength === 0) return null;
	const r = asn1js.fromBER(exact(bytes));
	return r.offset === bytes.byteLength && r.result.error === '' ? r.result : null;
}

function children(node: asn1js.AsnType | undefined | null): asn1js.AsnType[] | null {
	return node instanceof asn1js.Sequence ? node.valueBlock.value : null;
}

function originalBytes(node: asn1js.AsnType): Uint8Array {
	return new Uint8Array(node.valueBeforeDecodeView);
}

/** The certificates of a PKCS#7 SignedData ContentInfo, as their original DER. */
function pkcs7Certificates(node: asn1js.AsnType): Uint8Array[] | null {
	const top = children(node);
	const oid = top?.[0];
	if (!(oid instanceof asn1js.ObjectIdentifier) || oid.valueBlock.toString() !== SIGNED_DATA) return null;
	const wrapper = top?.[1];
	const signed = children(wrapper instanceof asn1js.Constructed ? wrapper.valueBlock.value[0] : undefined);
	if (!signed) throw new Error('The PKCS#7 SignedData is malformed.');
	const certs: Uint8Array[] = [];
	for (const item of signed) {
		if (item instanceof asn1js.Constructed && item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0) {
			for (const cert of item.valueBlock.value) {
				if (cert instanceof asn1js.Sequence) certs.push(originalBytes(cert));
			}
		}
	}
	return certs;
}

/** True for a PFX: version 3, then the authSafe ContentInfo. */
function isPfx(items: asn1js.AsnType[]): boolean {
	const version = items[0];
	const authSafe = children(items[1]);
	return version instanceof asn1js.Integer && version.valueBlock.valueDec === 3 && authSafe?.[0] instanceof asn1js.ObjectIdentifier;
}

/**
 * Checks the outer shape of a certificate (strict DER: SEQUENCE of tbs, algorithm, BIT STRING).
 * The full parse happens once, where the certificate is described.
 */
function certificate(der: Uint8Array): Uint8Array {
	const items = children(strictDer(der));
	if (items?.length !== 3 || !(items[0] instanceof asn1js.Sequence) || !(items[2] instanceof asn1js.BitString)) throw new Error('Not a certificate.');
	return der;
}

interface Context {
	name: string;
	passphrase: string | undefined;
	crypto: Crypto;
	out: ReadResult;
	curveOid?: string;
	legacy: LegacyReaders;
}

function tooCostly(name: string, cost: KdfCost | null, total: bigint): ImportError {
	return new ImportError('too-costly', cost ? tooCostlyMessage(name, cost) : tooCostlyInAllMessage(name, total));
}

function needPassphrase(ctx: Context): string {
	if (ctx.passphrase === undefined || ctx.passphrase === '') throw passphraseRequired(ctx.name);
	return ctx.passphrase;
}

async function encryptedPkcs8(ctx: Context, der: Uint8Array): Promise<void> {
	const passphrase = needPassphrase(ctx);
	checkKdfCosts(ctx.name, encryptedPkcs8KdfCosts(der));
	if (isPbes2(der)) {
		ctx.out.privateKeys.push(await decryptPbes2(der, passphrase, ctx.crypto, ctx.name));
		return;
	}
	const r = await ctx.legacy.decryptLegacyPkcs8(der, passphrase);
	if (r.ok) ctx.out.privateKeys.push(r.pkcs8);
	else if (r.reason === 'too-costly') throw tooCostly(ctx.name, r.cost, r.total);
	else if (r.reason === 'wrong-passphrase') throw wrongPassphrase(r.cause);
	else throw new ImportError('unsupported-algorithm', `The private key in "${ctx.name}" is encrypted with a scheme that is not supported.`, { cause: r.cause });
}

async function pkcs12(ctx: Context, der: Uint8Array): Promise<void> {
	// Every count that can be seen is checked before any derivation runs.
	checkKdfCosts(ctx.name, pkcs12KdfCosts(der));
	// A PKCS#12 without a passphrase is opened with the empty one, as OpenSSL does.
	const r = await ctx.legacy.readPkcs12(der, ctx.passphrase ?? '');
	if (!r.ok && r.reason === 'too-costly') throw tooCostly(ctx.name, r.cost, r.total);
	if (!r.ok && r.reason === 'wrong-passphrase' && !ctx.passphrase) throw passphraseRequired(ctx.name);
	if (!r.ok) {
		if (r.reason === 'wrong-passphrase') throw wrongPassphrase(r.cause);
		throw unrecognised(ctx.name, r.cause);
	}
	ctx.out.certificates.push(...r.contents.certificates);
	ctx.out.privateKeys.push(...r.contents.privateKeys);
}

async function openLegacyPem(ctx: Context, block: PemBlock): Promise<Uint8Array> {
	if (!/ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '')) return block.der;
	const passphrase = needPassphrase(ctx);
	if (block.der.length > MAX_ENCRYPTED_PEM_BODY) {
		throw new ImportError(
			'too-costly',
			`The encrypted key in "${ctx.name}" is ${block.der.length.toLocaleString('en-US')} bytes; Sealdesk opens encrypted keys of at most ${MAX_ENCRYPTED_PEM_BODY.toLocaleString('en-US')} bytes.`
		);
	}
	const { decryptOpenSslPem } = await legacyPem();
	const r = decryptOpenSslPem(block.der, block.headers['DEK-Info'] ?? '', passphrase);
	if (r.ok) {
		if (strictDer(r.der)) return r.der;
		r.der.fill(0);
		throw wrongPassphrase();
	}
	if (r.reason === 'wrong-passphrase') throw wrongPassphrase();
	throw new ImportError('unsupported-algorithm', `The private key in "${ctx.name}" is encrypted with ${r.cipher}, which is not supported.`);
}

/** Reads a DER item whose kind is found from its structure. */
async function sniffDer(ctx: Context, der: Uint8Array): Promise<void> {
	const node = strictDer(der);
	const items = children(node);
	if (!node || !items) throw unrecognised(ctx.name);
	const first = items[0];
	if (items.length === 3 && first instanceof asn1js.Sequence && items[2] instanceof asn1js.BitString) {
		ctx.out.certificates.push(certificate(der));
	} else if (first instanceof asn1js.ObjectIdentifier) {
		const certs = pkcs7Certificates(node);
		if (!certs) throw unrecognised(ctx.name);
		ctx.out.certificates.push(...certs);
	} else if (isPfx(items)) {
		await pkcs12(ctx, der);
	} else if (pkcs8Kind(der)) {
		ctx.out.privateKeys.push(exact(der));
	} else if (isEncryptedPkcs8(der)) {
		await encryptedPkcs8(ctx, der);
	} else if (items.length === 9 && items.every((i) => i instanceof asn1js.Integer)) {
		ctx.out.privateKeys.push(wrapRsaPrivateKey(der));
	} else if (items.length === 6 && items.every((i) => i instanceof asn1js.Integer)) {
		throw new ImportError('unsupported-algorithm', unsupportedKeyMessage('DSA'));
	} else if (first instanceof asn1js.Integer && items[1] instanceof asn1js.OctetString) {
		ctx.out.privateKeys.push(wrapEcPrivateKey(der, ctx.curveOid));
	} else {
		throw unrecognised(ctx.name);
	}
}

async function pemBlock(ctx: Context, block: PemBlock): Promise<void> {
	switch (block.label) {
		case 'CERTIFICATE':
		case 'X509 CERTIFICATE':
			ctx.out.certificates.push(certificate(block.der));
			return;
		case 'TRUSTED CERTIFICATE': {
			// OpenSSL's X509_AUX: the certificate, then trust settings we do not use.
			const r = asn1js.fromBER(block.der);
			if (r.offset <= 0) throw unrecognised(ctx.name);
			ctx.out.certificates.push(certificate(block.der.slice(0, r.offset)));
			return;
		}
		case 'PKCS7':
		case 'CMS':
		case 'CERTIFICATE CHAIN': {
			const node = strictDer(block.der);
			const certs = node ? pkcs7Certificates(node) : null;
			if (!certs) throw unrecognised(ctx.name);
			ctx.out.certificates.push(...certs);
			return;
		}
		case 'PRIVATE KEY':
			if (!pkcs8Kind(block.der)) throw unrecognised(ctx.name);
			ctx.out.privateKeys.push(block.der);
			return;
		case 'ENCRYPTED PRIVATE KEY':
			if (!isEncryptedPkcs8(block.der)) throw unrecognised(ctx.name);
			await encryptedPkcs8(ctx, block.der);
			return;
		case 'RSA PRIVATE KEY': {
			const inner = await openLegacyPem(ctx, block);
			try {
				ctx.out.privateKeys.push(wrapRsaPrivateKey(inner));
			} finally {
				inner.fill(0);
				block.der.fill(0);
			}
			return;
		}
		case 'EC PRIVATE KEY': {
			const inner = await openLegacyPem(ctx, block);
			try {
				ctx.out.privateKeys.push(wrapEcPrivateKey(inner, ctx.curveOid));
			} finally {
				inner.fill(0);
				block.der.fill(0);
			}
			return;
		}
		case 'EC PARAMETERS': {
			const node = strictDer(block.der);
			if (node instanceof asn1js.ObjectIdentifier) ctx.curveOid = node.valueBlock.toString();
			return;
		}
		case 'DSA PRIVATE KEY':
			throw new ImportError('unsupported-algorithm', unsupportedKeyMessage('DSA'));
		case 'PKCS12':
			await pkcs12(ctx, block.der);
			return;
		default:
			// CSRs, public keys, parameters, CRLs: nothing to import.
			return;
	}
}

function asText(data: Uint8Array | string): string | null {
	if (typeof data === 'string') return data;
	const head = new TextDecoder('latin1').decode(data);
	return looksLikePem(head) ? head : null;
}

/**
 * Reads every certificate and private key in one input.
 * @returns the certificates and PKCS#8 keys found (at least one item)
 * @throws ImportError: 'unrecognised' (names the file and what was expected) for anything
 *   that is not a supported format, including empty input, broken base64 and trailing
 *   garbage; 'passphrase-required' when an encrypted item came without a passphrase;
 *   'wrong-passphrase'; 'unsupported-algorithm' naming the algorithm; 'too-costly' when a
 *   key derivation asks for more iterations than the import cost limits allow (before it runs)
 */
export async function readInput(input: ReadInput, crypto: Crypto, options: ReadOptions = {}): Promise<ReadResult> {
	const ctx: Context = { name: input.name, passphrase: input.passphrase, crypto, out: { certificates: [], privateKeys: [] }, legacy: options.legacy ?? inProcessLegacyReaders };
	try {
		const text = asText(input.data);
		if (text !== null) {
			let blocks: PemBlock[];
			try {
				blocks = parsePem(text);
			} catch (cause) {
				throw unrecognised(input.name, cause);
			}
			for (const block of blocks) await pemBlock(ctx, block);
		} else if (typeof input.data !== 'string') {
			await sniffDer(ctx, input.data);
		}
		if (ctx.out.certificates.length === 0 && ctx.out.privateKeys.length === 0) throw unrecognised(input.name);
		return ctx.out;
	} catch (error) {
		wipe(ctx.out);
		if (error instanceof ImportError) throw error;
		throw unrecognised(input.name, error);
	}
}
