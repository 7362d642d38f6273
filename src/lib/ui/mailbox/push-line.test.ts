import { describe, expect, it } from 'vitest';
import { pushSentence } from './push-line';

describe('pushSentence', () => {
	it('says whether push is on, connecting, down with why, or not offered; nothing while not watched', () => {
		expect(pushSentence(null)).toBeNull();
		expect(pushSentence({ state: 'open', reason: '' })).toBe('Push is on: new mail is synced as soon as the server announces it.');
		expect(pushSentence({ state: 'connecting', reason: '' })).toBe('Push is connecting.');
		expect(pushSentence({ state: 'connecting', reason: 'the event source closed the stream' })).toBe(
			'Push is down, reconnecting (the event source closed the stream). New mail still arrives by the poll every 30 seconds.'
		);
		expect(pushSentence({ state: 'down', reason: "the server's event source sends no events: HTTP 204 without content type" })).toBe(
			"Push is down, retried with a growing delay (the server's event source sends no events: HTTP 204 without content type). New mail still arrives by the poll every 30 seconds."
		);
		expect(pushSentence({ state: 'none', reason: '' })).toBe('The server offers no push. New mail still arrives by the poll every 30 seconds.');
	});
});
