/** Building test mails around openssl output, and a desk loaded with the shared test PKI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Desk } from '../../src/lib/desk/desk';
import { PKI, openssl, tmpFile } from './helpers';

let counter = 0;

/** A text/plain entity with a unique marker line. */
export function content(marker: string): string {
	return `Content-Type: text/plain; charset=utf-8\r\n\r\nHello from openssl: ${marker}\r\n`;
}

/**
 * Prepends the RFC 5322 headers openssl does not write. The Date is now by default, as the
 * signingTime openssl writes is: they must be within an hour of each other (issue 15). A `date`
 * of null leaves the Date header out.
 */
export function withHeaders(entity: Uint8Array | string, o: { from?: string; to?: string; subject?: string; extra?: string; date?: string | null } = {}): Uint8Array {
	const id = `<t${String(counter++)}.${String(Date.now())}@sealdesk.test>`;
	const head =
		`From: ${o.from ?? 'Alice <alice@sealdesk.test>'}\r\nTo: ${o.to ?? 'bob@sealdesk.test'}\r\n` +
		`Subject: ${o.subject ?? 'Test'}\r\nMessage-ID: ${id}\r\n${o.date === null ? '' : `Date: ${o.date ?? new Date().toUTCString()}\r\n`}${o.extra ?? ''}`;
	const body = typeof entity === 'string' ? new TextEncoder().encode(entity) : entity;
	const out = new Uint8Array(head.length + body.length);
	out.set(new TextEncoder().encode(head));
	out.set(body, head.length);
	return out;
}

/** `openssl cms <args> -in <input>` and its output. */
export function cms(args: string[], input: Uint8Array | string): Uint8Array {
	return openssl(['cms', ...args, '-in', tmpFile(input, 'eml')]);
}

/** Arguments that sign as a fixture identity with the intermediate CA bundled. */
export function signAs(name: string): string[] {
	return ['-sign', '-signer', join(PKI, `${name}.pem`), '-inkey', join(PKI, `${name}.key`), '-certfile', join(PKI, 'inter-ca.pem')];
}

/** Arguments that encrypt to fixture identities. */
export function encryptTo(...names: string[]): string[] {
	return ['-encrypt', ...names.flatMap((n) => ['-recip', join(PKI, `${n}.pem`)])];
}

/** Imports the root CA and, with their keys, the given identities (certificate and key in one file). */
export async function loadPki(desk: Desk, withKeys: string[], certsOnly: string[] = ['root-ca']): Promise<void> {
	for (const name of certsOnly) await desk.importFile({ name: `${name}.pem`, data: readFileSync(join(PKI, `${name}.pem`), 'utf8') });
	for (const name of withKeys) {
		const data = readFileSync(join(PKI, `${name}.pem`), 'utf8') + readFileSync(join(PKI, `${name}.key`), 'utf8');
		await desk.importFile({ name: `${name}.pem`, data });
	}
}
