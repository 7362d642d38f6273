/** AES-GCM in AuthEnvelopedData with every tag length RFC 5084 allows (12 to 16 bytes), through desk.receive. */
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { algId, der, derInt, derOid, octetString, seq } from '../../src/lib/cms/enveloped-asn1';
import { parseRecipientCert } from '../../src/lib/cms/recipients-cert';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk } from '../desk/receive-helpers';
import { p7mMail } from './envelope-edit';
import { PKI, pemCert } from './helpers';
import { content, loadPki } from './mail';

let desk: Desk;
beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, ['bob'], []);
});

/** A hand-built AuthEnvelopedData to bob (RSA-OAEP) with an AES-128-GCM tag of `icv` bytes. */
async function authEnveloped(icv: number, plaintext: Uint8Array): Promise<{ der: Uint8Array; tagAt: number }> {
	const bob = parseRecipientCert(pemCert(join(PKI, 'bob.pem')));
	const cek = crypto.getRandomValues(new Uint8Array(16));
	const nonce = crypto.getRandomValues(new Uint8Array(12));
	const k = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
	const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: icv * 8 }, k, plaintext.slice()));
	const pub = await crypto.subtle.importKey('spki', bob.spki.slice(), { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['encrypt']);
	const ek = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, pub, cek));
	const ktri = seq(derInt(0), seq(bob.issuer, der(0x02, bob.serial)), algId('1.2.840.113549.1.1.7', seq()), octetString(ek));
	const eci = seq(derOid('1.2.840.113549.1.7.1'), algId('2.16.840.1.101.3.4.1.6', seq(octetString(nonce), derInt(icv))), der(0x80, out.subarray(0, out.length - icv)));
	const msg = seq(derOid('1.2.840.113549.1.9.16.1.23'), der(0xa0, seq(derInt(0), der(0x31, ktri), eci, octetString(out.subarray(out.length - icv)))));
	return { der: msg, tagAt: msg.length - 1 };
}

for (const icv of [12, 13, 14, 15, 16]) {
	test(`${String(icv)}-byte tag: decrypted; a changed tag byte fails`, async () => {
		const { der: msg, tagAt } = await authEnveloped(icv, new TextEncoder().encode(content(`tag ${String(icv)}`)));
		const a = await desk.receive(p7mMail(msg, 'authEnveloped-data'));
		expect(a.security.encryption.status).toBe('decrypted');
		expect(a.security.layers[0]).toMatchObject({ contentEncryption: 'AES-128-GCM', keyTransport: 'RSA-OAEP (SHA-1)' });
		expect(a.text).toContain(`tag ${String(icv)}`);
		const bad = msg.slice();
		bad[tagAt] = (bad[tagAt] ?? 0) ^ 1;
		const b = await desk.receive(p7mMail(bad, 'authEnveloped-data'));
		expect(b.security.encryption).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
		expect(b.text).toBe('');
	});
}
