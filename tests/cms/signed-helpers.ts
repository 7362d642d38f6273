// Test helpers for SignedData and chain tests: fixtures, key sets, openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrivateKeySet } from '../../src/lib/pki/keyset';

export const PKI = fileURLToPath(new URL('../fixtures/pki/', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));
export const ZAMMAD = join(SHARED, 'zammad');
export const RFC9216 = join(SHARED, 'rfc9216');

/** All DER blocks of a PEM text. */
export function pemBlocks(text: string): Uint8Array[] {
	const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
	const out: Uint8Array[] = [];
	for (const m of text.matchAll(re)) out.push(new Uint8Array(Buffer.from(m[2] ?? '', 'base64')));
	return out;
}

/** The first certificate (DER) of a PEM file. */
export function certFile(path: string): Uint8Array {
	const b = pemBlocks(readFileSync(path, 'utf8'))[0];
	if (!b) throw new Error(`no PEM in ${path}`);
	return b;
}

export const pki = (name: string): Uint8Array => certFile(join(PKI, `${name}.pem`));
export const zammad = (name: string): Uint8Array => certFile(join(ZAMMAD, `${name}.crt`));

export function hex(b: Uint8Array): string {
	return Buffer.from(b).toString('hex');
}

/** Imports a fixture's unencrypted PKCS#8 key as the PrivateKeySet the importer would make. */
export async function keySet(
	name: string,
	kind: 'RSA' | 'P-256' | 'P-384' | 'P-521' | 'Ed25519'
): Promise<PrivateKeySet> {
	const pkcs8 = pemBlocks(readFileSync(join(PKI, `${name}.key`), 'utf8'))[0];
	if (!pkcs8) throw new Error('no key');
	const cert = pki(name);
	const fingerprint = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', cert.slice())));
	const imp = (alg: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> =>
		crypto.subtle.importKey('pkcs8', pkcs8.slice(), alg, false, ['sign']);
	if (kind === 'RSA')
		return {
			fingerprint,
			algorithm: 'RSA',
			modulusLength: 2048,
			sign: {
				pkcs1: await imp({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }),
				pss: await imp({ name: 'RSA-PSS', hash: 'SHA-256' })
			},
			decrypt: {}
		};
	if (kind === 'Ed25519')
		return { fingerprint, algorithm: 'Ed25519', sign: { ed25519: await imp({ name: 'Ed25519' }) }, decrypt: {} };
	return {
		fingerprint,
		algorithm: 'EC',
		namedCurve: kind,
		sign: { ecdsa: await imp({ name: 'ECDSA', namedCurve: kind }) },
		decrypt: {}
	};
}

/** A temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-signed-'));
	return {
		dir,
		cleanup: () => {
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Runs openssl; returns stdout, throws with stderr on failure. */
export function openssl(args: string[], input?: Uint8Array): Buffer {
	return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs openssl and reports success instead of throwing. */
export function opensslOk(args: string[]): { ok: boolean; stderr: string } {
	try {
		execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
		return { ok: true, stderr: '' };
	} catch (e) {
		const err = e as { stderr?: Buffer };
		return { ok: false, stderr: err.stderr?.toString() ?? String(e) };
	}
}

export function write(dir: string, name: string, data: Uint8Array | string): string {
	const p = join(dir, name);
	writeFileSync(p, data);
	return p;
}

/** The base64 body of the MIME part of `eml` whose headers mention `marker`, decoded. */
export function extractBase64Part(eml: string, marker: RegExp): Uint8Array {
	const idx = eml.search(marker);
	if (idx < 0) throw new Error('part not found');
	const rest = eml.slice(idx);
	const bodyStart = rest.search(/\r?\n\r?\n/);
	const body = rest.slice(bodyStart).replace(/^\s+/, '');
	const end = body.search(/\r?\n(--|\r?\n)/);
	const b64 = (end < 0 ? body : body.slice(0, end)).replace(/\s+/g, '');
	return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** The first part of a multipart/signed mail, as signed: LF turned into CRLF (RFC 8551 §3.1.1). */
export function signedPart(eml: string): Uint8Array {
	const boundary = /boundary="?([^";\r\n]+)"?/.exec(eml)?.[1];
	if (!boundary) throw new Error('no boundary');
	const delim = `--${boundary}`;
	const start = eml.indexOf(delim) + delim.length;
	const firstLineEnd = eml.indexOf('\n', start) + 1;
	const next = eml.indexOf(`\n${delim}`, firstLineEnd);
	let part = eml.slice(firstLineEnd, next);
	if (part.endsWith('\r')) part = part.slice(0, -1);
	return new Uint8Array(Buffer.from(part.replace(/\r?\n/g, '\r\n'), 'latin1'));
}
