/**
 * A message larger than one AES-CBC slice (256 KiB), built in one pass: openssl decrypts it
 * for the recipient, verifies the signature over the entity as written in place, and gets the
 * attachment back byte for byte. CBC and GCM, RSA and EC recipients.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import PostalMime from 'postal-mime';
import { buildOutgoing } from '../../src/lib/smime/outgoing';
import { readPem } from '../cms/enveloped-helpers';
import { aliceSigner, isCrlf7bit, NOW, openssl, PKI, put, tempDir } from './outgoing-helpers';

const pem = (name: string): Uint8Array => readPem(join(PKI, `${name}.pem`));
const DATA = Uint8Array.from({ length: 500 * 1024 + 1 }, (_, i) => (i * 2654435761) >>> 24);

describe('a large outgoing message', () => {
	for (const [contentEncryption, recipient] of [
		['aes-256-cbc', 'bob'],
		['aes-256-gcm', 'carol']
	] as const) {
		test(`sign + encrypt with ${contentEncryption} for ${recipient}: openssl decrypts and verifies it`, async () => {
			const { certificate, keys } = await aliceSigner();
			const msg = await buildOutgoing({
				from: { address: 'alice@sealdesk.test' },
				to: [{ address: `${recipient}@sealdesk.test` }],
				subject: 'large',
				text: 'Attached.',
				attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', data: DATA }],
				messageId: 'large@sealdesk.test',
				date: NOW,
				sign: { certificate, chain: [pem('inter-ca')], keys },
				encrypt: { recipients: [{ certificate: pem(recipient) }], contentEncryption },
				crypto: globalThis.crypto
			});
			expect(isCrlf7bit(msg.raw)).toBe(true);
			const dir = tempDir();
			const inner = openssl(['cms', '-decrypt', '-in', put(dir, 'm.eml', msg.raw), '-recip', join(PKI, `${recipient}.pem`), '-inkey', join(PKI, `${recipient}.key`)]);
			const verified = openssl(['cms', '-verify', '-in', put(dir, 'inner.eml', inner), '-CAfile', join(PKI, 'root-ca.pem')]);
			expect(Buffer.from(verified).equals(Buffer.from(await msg.content()))).toBe(true);
			const email = await PostalMime.parse(verified, { attachmentEncoding: 'arraybuffer' });
			const got = email.attachments[0]?.content;
			expect(got instanceof ArrayBuffer && Buffer.from(got).equals(Buffer.from(DATA))).toBe(true);
		});
	}
});
