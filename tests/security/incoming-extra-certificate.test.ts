/** Attack: an extra, unrelated certificate bundled in the signature, matching the From address. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { freshDesk, importFiles, read, ZAMMAD } from '../desk/receive-helpers';
import { PKI, tmpFile } from '../smime/helpers';
import { cms, content, loadPki, signAs, withHeaders } from '../smime/mail';

test('bob signs and bundles alice\'s trusted certificate; From alice: the signer stays bob', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, [], ['root-ca']);
	const bundle = tmpFile(readFileSync(join(PKI, 'inter-ca.pem'), 'utf8') + readFileSync(join(PKI, 'alice.pem'), 'utf8'), 'pem');
	const args = [...signAs('bob').slice(0, -2), '-certfile', bundle];
	const a = await desk.receive(withHeaders(cms(args, content('extra cert')), { from: 'alice@sealdesk.test' }));
	expect(a.security.sign).toEqual({ status: 'sender-mismatch', signer: 'bob@sealdesk.test', comment: 'This message was not signed by its sender.' });
});

test('Zammad forged_extra_certificate.eml: signed by smime2 with a smime1 clone bundled, From smime1', async () => {
	const { desk } = await freshDesk();
	await importFiles(desk, [`${ZAMMAD}smime1@example.com.crt`, `${ZAMMAD}smime2@example.com.crt`]);
	const a = await desk.receive(read(`${ZAMMAD}forged_extra_certificate.eml`));
	expect(a.security.sign).toEqual({ status: 'sender-mismatch', signer: 'smime2@example.com', comment: 'This message was not signed by its sender.' });
});
