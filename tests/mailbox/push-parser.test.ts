// The event-source parser of the mailbox's push (RFC 8620 §7.3 over Server-Sent Events): fields,
// comments, CR/LF/CRLF line ends, dispatch on a blank line, and any chunking of the same text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, eventSourceUrl, parseStateChange, type SseEvent } from '../../src/lib/mailbox';

function parseAll(chunks: string[]): SseEvent[] {
	const parser = new SseParser();
	return chunks.flatMap((c) => parser.feed(c));
}

describe('SseParser', () => {
	it('reads event, data and id fields and dispatches on a blank line', () => {
		const text = ': a comment\nevent: state\ndata: {"a":1}\nid: 7\n\nevent: ping\ndata:\n\ndata: first\ndata:second\n\n';
		expect(parseAll([text])).toEqual([
			{ type: 'state', data: '{"a":1}', id: '7' },
			{ type: 'ping', data: '', id: '7' },
			{ type: 'message', data: 'first\nsecond', id: '7' }
		]);
	});

	it('accepts CR, LF and CRLF line ends alike', () => {
		for (const end of ['\n', '\r', '\r\n']) {
			expect(parseAll([`event: state${end}data: x${end}${end}`])).toEqual([{ type: 'state', data: 'x', id: '' }]);
		}
	});

	it('does not dispatch an event without data, nor one not yet ended by a blank line', () => {
		expect(parseAll(['event: state\n\n', 'event: state\ndata: x\n'])).toEqual([]);
	});

	it('splits a CRLF across chunks as one line end, not two (no spurious dispatch)', () => {
		const parser = new SseParser();
		expect(parser.feed('data: a\r')).toEqual([]);
		expect(parser.feed('\ndata: b\r\n')).toEqual([]);
		expect(parser.feed('\r\n')).toEqual([{ type: 'message', data: 'a\nb', id: '' }]);
	});

	it('gives the same events however the text is cut into chunks', () => {
		const line = fc.oneof(
			fc.constantFrom('event: state', 'event: ping', ': keep-alive', 'id: 42', 'retry: 1000', 'data', ''),
			fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)).map((s) => `data: ${s}`)
		);
		const end = fc.constantFrom('\n', '\r', '\r\n');
		fc.assert(
			fc.property(fc.array(fc.tuple(line, end), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
				const text = lines.map(([l, e]) => l + e).join('') + '\n\n';
				const whole = parseAll([text]);
				const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
				const chunks: string[] = [];
				let at = 0;
				for (const p of points) {
					chunks.push(text.slice(at, p));
					at = p;
				}
				chunks.push(text.slice(at));
				expect(parseAll(chunks)).toEqual(whole);
				// One character at a time too.
				expect(parseAll(Array.from({ length: text.length }, (_, i) => text.charAt(i)))).toEqual(whole);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('StateChange', () => {
	it('reads the changed states per account and ignores what is not one', () => {
		expect(parseStateChange('{"@type":"StateChange","changed":{"bob":{"Email":"s1","Mailbox":"m1","x":3}}}')).toEqual({ bob: { Email: 's1', Mailbox: 'm1' } });
		expect(parseStateChange('not json')).toBeNull();
		expect(parseStateChange('[1]')).toBeNull();
		expect(parseStateChange('{"changed":null}')).toBeNull();
	});

	it('expands the event-source template with the types, no close after, a 30 s ping', () => {
		expect(eventSourceUrl('https://desk.example/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}', ['Email', 'Mailbox'])).toBe(
			'https://desk.example/jmap/eventsource/?types=Email%2CMailbox&closeafter=no&ping=30'
		);
	});
});
