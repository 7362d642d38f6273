/** Helpers of the incoming-mail tests: fixture files, PEM, and openssl runs on temp files. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
export const ZAMMAD = new URL('../../../shared/vectors/zammad/', import.meta.url).pathname;
export const RFC9216 = new URL('../../../shared/vectors/rfc9216/', import.meta.url).pathname;

/** Every PEM certificate block of a file, as DER. */
export function pemCerts(path: string): Uint8Array[] {
	const text = readFileSync(path, 'utf8');
	const blocks = text.match(/-----BEGIN (?:TRUSTED )?CERTIFICATE-----[^-]+-----END (?:TRUSTED )?CERTIFICATE-----/g) ?? [];
	return blocks.map((b) => new Uint8Array(Buffer.from(b.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')));
}

/** The first certificate of a file, as DER. */
export function pemCert(path: string): Uint8Array {
	const c = pemCerts(path)[0];
	if (!c) throw new Error(`No certificate in ${path}`);
	return c;
}

export function file(path: string): Uint8Array {
	return new Uint8Array(readFileSync(path));
}

const tmp = mkdtempSync(join(tmpdir(), 'sealdesk-in-'));
let counter = 0;

/** Writes bytes to a fresh temp file and returns its path. */
export function tmpFile(data: Uint8Array | string, ext = 'bin'): string {
	const p = join(tmp, `f${String(counter++)}.${ext}`);
	writeFileSync(p, data);
	return p;
}

/** Runs openssl with the arguments and returns stdout as bytes; throws with stderr on failure. */
export function openssl(args: string[], input?: Uint8Array | string): Uint8Array {
	return new Uint8Array(execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }));
}

/** Whether openssl succeeds with these arguments. */
export function opensslOk(args: string[]): boolean {
	try {
		openssl(args);
		return true;
	} catch {
		return false;
	}
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
