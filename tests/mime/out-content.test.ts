/** Property: whatever the agent types comes back exactly from a reader (postal-mime), with or without attachments. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { buildExactContentEntity } from '../../src/lib/mime/out-content';
import { isCrlf7bit } from '../interop/outgoing-helpers';

const pieces = fc.constantFrom('a', 'Z', ' ', '\t', '=', '.', '\n', '\r\n', 'From ', 'ä', '€', '👋', '日本', '=3D', '--', ' \n', '\t\n', '\r', '\u0000', '\r\r\n');
const text = fc.array(fc.oneof(pieces, fc.string({ maxLength: 90 }), fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 30 }).map((p) => p.join(''));

describe('exact text', () => {
	test('decode(build(text)) is the text (CRLF read as LF), and the entity is 7-bit CRLF', async () => {
		await fc.assert(
			fc.asyncProperty(text, fc.boolean(), async (t, withAttachment) => {
				const entity = await buildExactContentEntity({
					text: t,
					...(withAttachment ? { attachments: [{ filename: 'x.bin', contentType: 'application/octet-stream', data: new Uint8Array([0, 1, 2]) }] } : {})
				}, globalThis.crypto);
				// The caller ends a message in CRLF; a multipart entity already does.
				const message = withAttachment ? entity : new Uint8Array([...entity, 13, 10]);
				expect(isCrlf7bit(message)).toBe(true);
				const parsed = await PostalMime.parse(message);
				expect(parsed.text ?? '').toBe(t.replace(/\r\n/g, '\n'));
			}),
			{ numRuns: 300 }
		);
	});
});
