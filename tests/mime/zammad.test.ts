import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opensslDigest } from './digest';
import { canonicalize, classifySmime, parseEntity, parts, splitSigned, toDisplay } from '../../src/lib/mime/index';

const dir = new URL('../../../shared/vectors/zammad/', import.meta.url);
const eml = (n: string): Uint8Array => new Uint8Array(readFileSync(new URL(n, dir)));

describe('Zammad fixtures', () => {
	it('splits sender_is_signer.eml; the canonical signed part hashes to the messageDigest openssl prints', () => {
		const e = parseEntity(eml('sender_is_signer.eml'));
		expect(classifySmime(e).kind).toBe('multipart-signed');
		const s = splitSigned(e);
		const digest = createHash('sha256').update(s.signedBytes).digest('hex');
		expect(opensslDigest(s.signature)).toBe(digest);
	});

	it('sender_name_with_trusted_ca.eml verifies after LF->CRLF of the whole file and nests mixed -> alternative', () => {
		const e = parseEntity(canonicalize(eml('sender_name_with_trusted_ca.eml')));
		const s = splitSigned(e);
		expect(opensslDigest(s.signature)).toBe(createHash('sha256').update(s.signedBytes).digest('hex'));
		expect(s.content.contentType.subtype).toBe('mixed');
		const kids = parts(s.content);
		expect(kids.some((k) => k.contentType.subtype === 'alternative')).toBe(true);
	});

	it('classifies opaque_*.eml as pkcs7-mime signed-data', () => {
		for (const n of ['opaque_no_bundled_signer_cert.eml', 'opaque_sender_not_in_store.eml']) {
			const k = classifySmime(parseEntity(eml(n)));
			expect(k.kind).toBe('pkcs7-mime');
			if (k.kind === 'pkcs7-mime') expect(k.smimeType).toBe('signed-data');
		}
	});

	it('classifies wrong_mime_type.eml as broken-signed and keeps the text readable', async () => {
		const raw = eml('wrong_mime_type.eml');
		const k = classifySmime(parseEntity(raw));
		expect(k.kind).toBe('broken-signed');
		const d = await toDisplay(raw, crypto);
		expect(d.text.trim().length).toBeGreaterThan(0);
	});
});
