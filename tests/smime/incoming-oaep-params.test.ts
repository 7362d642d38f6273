/** RSA-OAEP with its parameters absent, present with the defaults, or naming the hash. */
import { beforeAll, expect, test } from 'vitest';
import { children, seq } from '../../src/lib/cms/enveloped-asn1';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk } from '../desk/receive-helpers';
import { editKtriAlgorithm, p7mMail } from './envelope-edit';
import { cms, content, encryptTo, loadPki } from './mail';

let desk: Desk;
beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, ['bob'], []);
});

const oaep = (md: string): Uint8Array =>
	cms([...encryptTo('bob'), '-aes256', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', `rsa_oaep_md:${md}`, '-outform', 'DER'], content(`oaep ${md}`));

test('parameters present with the defaults (openssl writes an empty SEQUENCE for SHA-1)', async () => {
	let params = -1;
	const der = editKtriAlgorithm(oaep('sha1'), (alg) => {
		params = children(alg)[1]?.value.length ?? -1;
		return alg.raw;
	});
	expect(params).toBe(0);
	const a = await desk.receive(p7mMail(der, 'enveloped-data'));
	expect(a.security.layers[0]).toMatchObject({ status: 'decrypted', keyTransport: 'RSA-OAEP (SHA-1)' });
});

test('parameters absent altogether: the SHA-1 defaults apply', async () => {
	const der = editKtriAlgorithm(oaep('sha1'), (alg) => seq((children(alg)[0] ?? alg).raw));
	const a = await desk.receive(p7mMail(der, 'enveloped-data'));
	expect(a.security.layers[0]).toMatchObject({ status: 'decrypted', keyTransport: 'RSA-OAEP (SHA-1)' });
	expect(a.text).toContain('oaep sha1');
});

test('parameters naming SHA-256', async () => {
	const a = await desk.receive(p7mMail(oaep('sha256'), 'enveloped-data'));
	expect(a.security.layers[0]).toMatchObject({ status: 'decrypted', keyTransport: 'RSA-OAEP (SHA-256)' });
});

test('parameters absent on a SHA-256 message: the SHA-1 default does not open it, and it fails like any failure', async () => {
	const der = editKtriAlgorithm(oaep('sha256'), (alg) => seq((children(alg)[0] ?? alg).raw));
	const a = await desk.receive(p7mMail(der, 'enveloped-data'));
	expect(a.security.encryption).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
});
