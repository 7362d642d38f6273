/** Attack: a mail whose valid, trusted signature comes from someone other than the From address. */
import { expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { cms, content, loadPki, signAs, withHeaders } from '../smime/mail';

test('bob signs a mail that claims to come from alice: sender-mismatch, and the signer is bob', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, [], ['root-ca', 'alice']);
	const mail = withHeaders(cms(signAs('bob'), content('approve the transfer')), { from: 'Alice <alice@sealdesk.test>' });
	const a = await desk.receive(mail);
	expect(a.security.sign).toEqual({ status: 'sender-mismatch', signer: 'bob@sealdesk.test', comment: 'This message was not signed by its sender.' });
	const [log] = await desk.logs();
	expect(log).toMatchObject({ direction: 'in', operation: 'verify', status: 'failed' });
});

test('a display name that spells the signer\'s address does not bind the sender', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, [], ['root-ca']);
	const mail = withHeaders(cms(signAs('bob'), content('display name')), { from: '"bob@sealdesk.test" <mallory@evil.test>' });
	const a = await desk.receive(mail);
	expect(a.security.sign.status).toBe('sender-mismatch');
});
