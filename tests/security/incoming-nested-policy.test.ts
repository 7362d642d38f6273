/**
 * Issue 15, points 2 and 3 beside points 5 and 6: a signed part inside an unsigned container (a
 * mailing-list footer) and an attached signed message are judged by the same rules as the
 * message's own signature. SHA-1 is refused unless the admin accepts it, and a signed part's
 * signingTime must be within an hour of the Date of the message it is in; an attached message
 * is checked against its own Date. Otherwise a refused signature could be wrapped to pass.
 */
import { expect, test } from 'vitest';
import { SHA1_REFUSED } from '../../src/lib/smime/comments';
import { freshDesk } from '../desk/receive-helpers';
import { text } from '../smime/helpers';
import { cms, content, loadPki, signAs } from '../smime/mail';
import { dated } from '../smime/mail-now';

const ALICE = 'alice@sealdesk.test';

function mixed(...entities: string[]): string {
	return `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="list-b"\r\n\r\n${entities.map((e) => `--list-b\r\n${e}\r\n`).join('')}--list-b--\r\n`;
}
const footer = 'Content-Type: text/plain; charset=utf-8\r\n\r\nLIST-FOOTER\r\n';

test('a SHA-1 signed part in a list mail: invalid by default, valid (with the warning) once SHA-1 is accepted', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	const signed = text(cms([...signAs('alice'), '-md', 'sha1'], content('SHA1-PART')));
	const a = await desk.receive(dated(mixed(signed, footer), { from: ALICE }));
	expect(a.security.parts).toEqual([{ path: '1', sign: { status: 'invalid', comment: SHA1_REFUSED } }]);
	await desk.setAcceptSha1Signatures(true);
	const b = await desk.retry(a.id);
	expect(b.security.parts?.[0]?.sign).toMatchObject({ status: 'valid', signer: ALICE });
	expect(b.security.parts?.[0]?.sign.comment).toContain('The signature uses SHA-1, a weak algorithm.');
});

test('a signed part replayed in a list mail dated years later: invalid, naming both times', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	const signed = text(cms(signAs('alice'), content('OLD-PART')));
	const a = await desk.receive(dated(mixed(signed, footer), { from: ALICE, date: new Date('2031-05-05T10:00:00Z') }));
	expect(a.security.parts?.[0]?.sign.status).toBe('invalid');
	expect(a.security.parts?.[0]?.sign.comment).toContain('but the message is dated 2031-05-05T10:00:00Z');
});

test('an attached signed message is checked against its own Date, not the outer one, and by the SHA-1 setting', async () => {
	const { desk } = await freshDesk({ now: new Date() });
	await loadPki(desk, []);
	const forward = (inner: string): Uint8Array =>
		dated(`MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="fw"\r\n\r\n--fw\r\n${footer}\r\n--fw\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--fw--\r\n`, {
			from: 'Bob <bob@sealdesk.test>',
			date: new Date('2031-05-05T10:00:00Z')
		});
	const attachedSign = async (inner: string): Promise<unknown> => (await desk.receive(forward(inner))).sections?.find((s) => s.kind === 'message')?.security.sign;
	// Signed now and dated now inside; the forward, dated 2031, plays no part.
	expect(await attachedSign(text(dated(cms(signAs('alice'), content('ATTACHED')), { from: ALICE })))).toMatchObject({ status: 'valid', signer: ALICE });
	// An old attached message replayed under a new Date of its own is caught.
	expect(await attachedSign(text(dated(cms(signAs('alice'), content('ATTACHED')), { from: ALICE, date: new Date('2031-05-05T10:00:00Z') })))).toMatchObject({ status: 'invalid' });
	// SHA-1 refused by default, even inside an attached message.
	expect(await attachedSign(text(dated(cms([...signAs('alice'), '-md', 'sha1'], content('ATTACHED')), { from: ALICE })))).toEqual({ status: 'invalid', comment: SHA1_REFUSED });
});
