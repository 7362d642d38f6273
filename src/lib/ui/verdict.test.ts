import { describe, expect, test } from 'vitest';
import { verdictBadges } from './verdict';
import { worseEncryption, worseSign } from '$lib/desk/ticket-overview';

const plain = { encrypted: false, signed: false };

describe('verdict badges of a ticket row (issue 19)', () => {
	test('each sign and encryption status has its own words, tone and icon', () => {
		const cases = [
			[{ sign: 'valid', encryption: 'none' }, 'Signature valid', 'ok', 'valid'],
			[{ sign: 'invalid', encryption: 'none' }, 'Signature invalid', 'bad', 'invalid'],
			[{ sign: 'untrusted', encryption: 'none' }, 'Signer untrusted', 'warn', 'untrusted'],
			[{ sign: 'expired', encryption: 'none' }, 'Certificate expired', 'warn', 'expired'],
			[{ sign: 'sender-mismatch', encryption: 'none' }, 'Sender mismatch', 'bad', 'mismatch'],
			[{ sign: 'none', encryption: 'decrypted' }, 'Decrypted', 'ok', 'decrypted'],
			[{ sign: 'none', encryption: 'no-key' }, 'No key to decrypt', 'bad', 'no-key'],
			[{ sign: 'none', encryption: 'failed' }, 'Decryption failed', 'bad', 'failed']
		] as const;
		const texts = new Set<string>();
		for (const [v, text, tone, icon] of cases) {
			const [badge, ...rest] = verdictBadges({ ...v, unchecked: false }, plain);
			expect(rest).toEqual([]);
			expect(badge).toMatchObject({ text, tone, icon });
			texts.add(text);
		}
		expect(texts.size).toBe(cases.length);
	});

	test('signature first, then encryption; plain mail says Plain; unchecked mail says what it carries', () => {
		expect(verdictBadges({ sign: 'valid', encryption: 'decrypted', unchecked: false }, plain).map((b) => b.id)).toEqual(['valid', 'decrypted']);
		expect(verdictBadges({ sign: 'none', encryption: 'none', unchecked: false }, plain)).toEqual([{ id: 'plain', text: 'Plain', tone: 'neutral', icon: 'plain' }]);
		expect(verdictBadges({ sign: 'none', encryption: 'none', unchecked: true }, { encrypted: true, signed: false })[0]?.text).toBe('Encrypted, not checked');
		expect(verdictBadges({ sign: 'none', encryption: 'none', unchecked: true }, { encrypted: false, signed: true })[0]?.text).toBe('Signed, not checked');
	});

	test('a ticket shows the most alarming status of its articles', () => {
		expect(worseSign('valid', 'invalid')).toBe('invalid');
		expect(worseSign('sender-mismatch', 'valid')).toBe('sender-mismatch');
		expect(worseSign('expired', 'untrusted')).toBe('untrusted');
		expect(worseSign('none', 'valid')).toBe('valid');
		expect(worseEncryption('decrypted', 'no-key')).toBe('no-key');
		expect(worseEncryption('failed', 'decrypted')).toBe('failed');
	});
});
