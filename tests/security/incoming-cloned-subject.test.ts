/** Attack: a bundled certificate (chain) that clones a trusted subject with another key. */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { freshDesk, importFiles, read, ZAMMAD } from '../desk/receive-helpers';
import { cms, content, loadPki, withHeaders } from '../smime/mail';

const SIGNED = new URL('../fixtures/signed/', import.meta.url).pathname;

test('a leaf with alice\'s subject under clones of the trusted CAs is untrusted, though its signature is sound', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, [], ['root-ca', 'inter-ca', 'alice']);
	const args = ['-sign', '-signer', join(SIGNED, 'clone-issued.pem'), '-inkey', join(SIGNED, 'leaf.key'), '-certfile', join(SIGNED, 'clone-inter.pem')];
	const a = await desk.receive(withHeaders(cms(args, content('cloned')), { from: 'alice@sealdesk.test' }));
	expect(a.security.sign.status).toBe('untrusted');
	expect(a.security.sign.comment).toBe('The certificate for verification could not be found.');
	// Issue 15: the untrusted signer is named from the certificate that verified the signature,
	// but as untrusted, with that certificate's own fingerprint, which is not the stored alice's.
	expect(a.security.sign.signer).toBe('alice@sealdesk.test');
	const stored = (await desk.listCertificates()).find((c) => c.emails.includes('alice@sealdesk.test'));
	expect(a.security.sign.certificate?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
	expect(a.security.sign.certificate?.fingerprint).not.toBe(stored?.fingerprint);
	expect(a.security.sign.certificate?.selfSigned).toBe(false);
	expect(a.security.layers).toEqual([{ kind: 'signed', form: 'detached', status: 'untrusted', covers: 'content' }]);
});

test('Zammad forged_cloned_subject.eml: a self-signed clone of the stored smime1 is untrusted', async () => {
	const { desk } = await freshDesk();
	await importFiles(desk, [`${ZAMMAD}smime1@example.com.crt`]);
	const a = await desk.receive(read(`${ZAMMAD}forged_cloned_subject.eml`));
	expect(a.security.sign).toMatchObject({ status: 'untrusted', comment: 'The certificate for verification could not be found.' });
});
