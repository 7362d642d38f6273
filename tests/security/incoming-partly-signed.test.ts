/**
 * Attack and mailing-list case (issue 15, point 5): a signed entity inside an unsigned
 * multipart/mixed, with unsigned text beside it (a list footer, or an attacker's words). The
 * signed part is verified and shown apart; the message is never 'valid'; the unsigned text is
 * never presented as signed. The signed entities are openssl's.
 */
import { describe, expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { text } from '../smime/helpers';
import { cms, content, encryptTo, loadPki, signAs } from '../smime/mail';
import { dated, soon } from '../smime/mail-now';

const ALICE = 'alice@sealdesk.test';
const ROOT = '/CN=Sealdesk Test Root CA/O=Sealdesk Test';
const PARTLY = 'Only part of this message is signed; the rest is not. See the signed part.';

/** multipart/mixed around the given entities, in order. */
function mixed(...entities: string[]): string {
	return `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="list-b"\r\n\r\n${entities.map((e) => `--list-b\r\n${e}\r\n`).join('')}--list-b--\r\n`;
}

const footer = (words: string): string => `Content-Type: text/plain; charset=utf-8\r\n\r\n${words}\r\n`;

async function desk(): Promise<Awaited<ReturnType<typeof freshDesk>>['desk']> {
	const { desk: d } = await freshDesk({ now: soon() });
	await loadPki(d, ['bob']);
	return d;
}

describe('a mailing list footer around a signed mail', () => {
	test('the signed part is verified and shown apart; the message is not valid; the footer is not signed', async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('SIGNED-WORDS')));
		const a = await d.receive(dated(mixed(signed, footer('LIST-FOOTER: unsubscribe at list.test')), { from: ALICE }));

		expect(a.security.sign).toEqual({ status: 'none', comment: PARTLY });
		expect(a.security.parts).toEqual([{ path: '1', sign: { status: 'valid', signer: ALICE, comment: ROOT } }]);
		expect(a.security.layers).toEqual([]);

		const [section, ...more] = a.sections ?? [];
		expect(more).toEqual([]);
		expect(section).toMatchObject({ kind: 'signed-part', path: '1', security: { sign: { status: 'valid', signer: ALICE } } });
		expect(section?.text).toContain('SIGNED-WORDS');
		expect(section?.text).not.toContain('LIST-FOOTER');
		// The body is the rest: the footer, without the signed words and without the signature as an attachment.
		expect(a.text).toContain('LIST-FOOTER');
		expect(a.text).not.toContain('SIGNED-WORDS');
		expect(a.attachments.filter((x) => /pkcs7|p7s/i.test(x.type + x.name))).toEqual([]);
		// A partly signed message teaches no certificate.
		expect((await d.logs()).some((l) => l.operation === 'learn-certificate')).toBe(false);
	});

	test('attacker text before a reused signed part under alice\'s From: never valid, the words are not in the signed part', async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('I agree to pay 10 EUR.')));
		const a = await d.receive(dated(mixed(footer('ATTACKER: alice also agrees to pay 10,000 EUR.'), signed), { from: ALICE }));
		expect(a.security.sign.status).toBe('none');
		expect(a.security.sign.status).not.toBe('valid');
		expect(a.security.parts?.map((p) => [p.path, p.sign.status])).toEqual([['2', 'valid']]);
		expect(a.sections?.[0]?.text).not.toContain('ATTACKER');
		expect(a.text).toContain('ATTACKER');
	});

	test('a signed part whose text was changed is invalid; the message is still only "none"', async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('original words'))).replace('original words', 'changed words!');
		const a = await d.receive(dated(mixed(signed, footer('footer')), { from: ALICE }));
		expect(a.security.sign).toEqual({ status: 'none', comment: PARTLY });
		expect(a.security.parts?.[0]?.sign.status).toBe('invalid');
	});

	test('a part signed by someone else than the From is sender-mismatch in the part', async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('words')));
		const a = await d.receive(dated(mixed(signed, footer('footer')), { from: 'list@lists.test' }));
		expect(a.security.parts?.[0]?.sign).toMatchObject({ status: 'sender-mismatch', signer: ALICE });
	});

	test('an opaque signed-data part nested in the container is verified too', async () => {
		const d = await desk();
		const opaque = text(cms([...signAs('alice'), '-nodetach'], content('OPAQUE-WORDS')));
		const a = await d.receive(dated(mixed(footer('hello'), opaque), { from: ALICE }));
		expect(a.security.parts).toEqual([{ path: '2', sign: { status: 'valid', signer: ALICE, comment: ROOT } }]);
		expect(a.sections?.[0]?.text).toContain('OPAQUE-WORDS');
		expect(a.text).not.toContain('OPAQUE-WORDS');
	});

	test('EFAIL stands: an encrypted part beside a signed part is neither decrypted nor merged', async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('signed')));
		const encrypted = text(cms([...encryptTo('bob'), '-aes256'], content('TOP-SECRET')));
		const a = await d.receive(dated(mixed(signed, encrypted), { from: ALICE }));
		expect(a.security.encryption.status).toBe('none');
		expect(JSON.stringify(a)).not.toContain('TOP-SECRET');
		expect(a.security.parts?.map((p) => p.path)).toEqual(['1']);
	});

	test('a signed message that is signed as a whole is not "partly signed"', async () => {
		const d = await desk();
		const a = await d.receive(dated(cms(signAs('alice'), mixed(footer('one'), footer('two'))), { from: ALICE }));
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.parts).toBeUndefined();
		expect(a.sections).toBeUndefined();
	});
});
