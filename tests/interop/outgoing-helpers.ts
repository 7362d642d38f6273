/** Helpers of the sending tests: desks loaded with the shared test PKI, and openssl runs. */
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { certificateDer, privateKeySetFor } from '../../src/lib/desk/certificates';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import type { PrivateKeySet } from '../../src/lib/pki/keyset';

/** The shared test PKI folder (tests/fixtures/pki), as a path. */
export const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;

/** The fixed clock of the sending tests: inside every leaf's validity except expired/future. */
export const NOW = new Date('2026-11-29T04:00:00Z');

/** The bytes of a PKI fixture. */
export function pki(name: string): Uint8Array {
	return new Uint8Array(readFileSync(join(PKI, name)));
}

/**
 * A fresh desk (own fake IndexedDB, S/MIME on) holding the CA chain, the certificates of
 * `certs` and the private keys of `keys` (names of tests/fixtures/pki without extension).
 */
export async function deskWith(certs: string[], keys: string[] = [], now: Date = NOW): Promise<Desk> {
	const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'compose-test', now: () => now });
	await desk.setEnabled(true);
	await desk.importFile({ name: 'chain.pem', data: pki('chain.pem') });
	for (const name of certs) await desk.importFile({ name: `${name}.pem`, data: pki(`${name}.pem`) });
	for (const name of keys) await desk.importFile({ name: `${name}.key`, data: pki(`${name}.key`) });
	return desk;
}

/** The fingerprint of a stored certificate by its email. */
export async function fingerprintOf(desk: Desk, email: string): Promise<string> {
	const cert = (await desk.listCertificates()).find((c) => c.emails.includes(email));
	if (!cert) throw new Error(`no certificate for ${email}`);
	return cert.fingerprint;
}

/** Alice's signing certificate (DER) and keys, from a desk holding them. */
export async function aliceSigner(): Promise<{ certificate: Uint8Array; keys: PrivateKeySet }> {
	const desk = await deskWith(['alice'], ['alice']);
	const fp = await fingerprintOf(desk, 'alice@sealdesk.test');
	const keys = await privateKeySetFor(desk.context, fp);
	const certificate = await certificateDer(desk.context, fp);
	if (!keys || !certificate) throw new Error('alice missing');
	return { certificate, keys };
}

/** A temporary folder for one test's files. */
export function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'sealdesk-out-'));
}

/** Writes bytes to a file in `dir` and returns its path. */
export function put(dir: string, name: string, data: Uint8Array | string): string {
	const path = join(dir, name);
	writeFileSync(path, data);
	return path;
}

/** Runs openssl; returns stdout as bytes. Throws with stderr on failure. */
export function openssl(args: string[]): Uint8Array {
	try {
		return new Uint8Array(execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
	} catch (e) {
		const err = e as { stderr?: Buffer };
		throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() ?? String(e)}`, { cause: e });
	}
}

/** Runs openssl and returns stdout and stderr as text, whatever the exit status. */
export function opensslText(args: string[]): { ok: boolean; out: string; err: string } {
	try {
		const out = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		return { ok: true, out: out.toString('latin1'), err: '' };
	} catch (e) {
		const err = e as { stdout?: Buffer; stderr?: Buffer };
		return { ok: false, out: err.stdout?.toString('latin1') ?? '', err: err.stderr?.toString() ?? '' };
	}
}

/** Every line of a message ends in CRLF, is at most 998 octets, and every byte is 7-bit. */
export function isCrlf7bit(raw: Uint8Array): boolean {
	let lineStart = 0;
	for (let i = 0; i < raw.length; i++) {
		const b = raw[i] ?? 0;
		if (b > 0x7f || b === 0) return false;
		if (b === 0x0a) {
			if (raw[i - 1] !== 0x0d) return false;
			if (i - 1 - lineStart > 998) return false;
			lineStart = i + 1;
		} else if (b === 0x0d && raw[i + 1] !== 0x0a) return false;
	}
	return raw.length - lineStart <= 998;
}
