// Attack: learning the blind copies of a mail (issue 18). A To or Cc recipient, or anyone who
// later gets the .eml, reads every byte of the message: no Bcc address may be anywhere in it, in
// any form of mail the desk builds, and a Bcc field cannot smuggle a header in.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deskWith } from '../interop/outgoing-helpers';

const BLIND = ['carol@sealdesk.test', 'Dave <dave@sealdesk.test>'];

describe('Bcc disclosure', () => {
	for (const [sign, encrypt] of [
		[false, false],
		[true, false],
		[false, true],
		[true, true]
	] as const) {
		it(`no byte of the mail (${sign ? 'signed' : 'not signed'}, ${encrypt ? 'encrypted' : 'not encrypted'}) names a Bcc recipient`, async () => {
			const desk = await deskWith(['alice', 'bob', 'carol', 'dave'], ['alice']);
			const sent = await desk.compose({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', bcc: BLIND, subject: 'Hidden', text: 'Hello.', sign, encrypt });
			for (const bytes of [sent.raw, await desk.articleRaw(sent.articleId)]) {
				const text = Buffer.from(bytes ?? new Uint8Array()).toString('latin1').toLowerCase();
				expect(text).not.toContain('carol');
				expect(text).not.toContain('dave');
				expect(text).not.toMatch(/^bcc:/m);
			}
		});
	}

	it('a Bcc entry carrying a line break cannot add a header', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		await expect(desk.compose({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', bcc: 'carol@sealdesk.test\r\nX-Injected: 1', subject: 's', text: 't', sign: false, encrypt: false })).rejects.toThrow(
			/^The address ".*" is not valid\.$/s
		);
		expect((await desk.context.db.getAll('articles')).length).toBe(0);
	});
});
