/**
 * Is this a well-formed MIME entity? Used on content decrypted through RSA PKCS#1 v1.5 key
 * transport: implicit rejection turns a wrong or damaged encrypted key into a random content
 * key, and about 1 in 256 of those passes the CBC padding check, giving garbage. Garbage is
 * never a header block, so it is refused here instead of being shown as the decrypted mail.
 */

import { MAX_HEADER_BYTES } from './entity';

/**
 * True when `bytes` starts with a well-formed header block (RFC 5322 §2.2, RFC 2045): at least
 * one field `name: value` whose name is printable ASCII without a colon, continuation lines
 * that start with a space or tab, CRLF or LF line ends, no NUL and no other control character
 * than tab, ended by an empty line within {@link MAX_HEADER_BYTES} bytes. The body is not read.
 * Never throws; work is bounded by the header block (garbage fails within its first bytes).
 */
export function isWellFormedEntity(bytes: Uint8Array): boolean {
	const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
	let i = 0;
	let fields = 0;
	while (i < limit) {
		const first = bytes[i] ?? 0;
		// An empty line ends the header block: well-formed only after at least one field.
		if (first === 10) return fields > 0;
		if (first === 13) return fields > 0 && bytes[i + 1] === 10;
		if (first === 32 || first === 9) {
			if (fields === 0) return false; // a continuation needs a field before it
		} else {
			// field-name: printable US-ASCII except colon, then a colon
			let j = i;
			while (j < limit && (bytes[j] ?? 0) > 32 && (bytes[j] ?? 0) < 127 && bytes[j] !== 58) j++;
			if (j === i || bytes[j] !== 58) return false;
			fields++;
			i = j + 1;
		}
		// The rest of the line: tab, printable or 8-bit (RFC 6532); then CRLF or LF.
		for (;;) {
			if (i >= limit) return false;
			const c = bytes[i] ?? 0;
			if (c === 10) {
				i++;
				break;
			}
			if (c === 13) {
				if (bytes[i + 1] !== 10) return false;
				i += 2;
				break;
			}
			if (c < 32 && c !== 9) return false;
			if (c === 127) return false;
			i++;
		}
	}
	return false;
}
