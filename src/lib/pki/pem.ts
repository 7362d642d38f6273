/**
 * PEM block extraction: any number of blocks, in any order, with text around them and
 * either line ending. Encapsulated headers (RFC 1421 `Proc-Type`, `DEK-Info`) are kept.
 */
import { fromBase64, toBase64 } from '../base/bytes';

/** One PEM block. */
export interface PemBlock {
	/** The label, for example "CERTIFICATE" or "RSA PRIVATE KEY". */
	label: string;
	/** RFC 1421 headers such as Proc-Type and DEK-Info, keyed by their name. */
	headers: Record<string, string>;
	/** The decoded body. */
	der: Uint8Array<ArrayBuffer>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

/** True when the text contains at least one PEM BEGIN line. */
export function looksLikePem(text: string): boolean {
	return /-----BEGIN [A-Z0-9 #]+-----/.test(text);
}

/**
 * Finds every PEM block in the text.
 * @returns the blocks in order; an empty array when there are none
 * @throws Error when a block's base64 is broken (the caller turns it into a user-facing error)
 */
export function parsePem(text: string): PemBlock[] {
	const blocks: PemBlock[] = [];
	for (const m of text.matchAll(BLOCK)) {
		const label = m[1] ?? '';
		const body = (m[2] ?? '').replace(/\r/g, '');
		const headers: Record<string, string> = {};
		let b64 = body;
		if (/^\s*[A-Za-z-]+:/.test(body)) {
			const split = body.indexOf('\n\n');
			const head = split >= 0 ? body.slice(0, split) : body;
			b64 = split >= 0 ? body.slice(split + 2) : '';
			for (const line of head.split('\n')) {
				const colon = line.indexOf(':');
				if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
			}
		}
		const der = fromBase64(b64);
		if (!der) throw new Error(`The base64 of the PEM block "${label}" is broken.`);
		blocks.push({ label, headers, der });
	}
	if (blocks.length === 0 && looksLikePem(text)) throw new Error('A PEM block has no matching END line.');
	return blocks;
}

/** Encodes DER as one PEM block. */
export function toPem(label: string, der: Uint8Array): string {
	const b64 = toBase64(der).replace(/.{1,64}/g, '$&\n');
	return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}
