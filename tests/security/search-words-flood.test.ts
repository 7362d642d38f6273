/**
 * Issue 19 with issue 15's bound on hostile mail: the local search words of a ticket are taken
 * from the first MAX_TEXT_INDEXED characters of each text, in slices, at most MAX_WORDS of them.
 * A 50 MB body of short lines once overflowed the stack in the word split (one regex over the
 * whole string) and the mail could not be stored.
 */
import { describe, expect, test } from 'vitest';
import { MAX_TEXT_INDEXED, MAX_WORDS, withWords, wordsOf } from '../../src/lib/store/search-words';

describe('search words of hostile text', () => {
	test('a 50 MB text of one-letter lines gives its words without overflowing the stack', () => {
		const text = 'a\n'.repeat(25 * 1024 * 1024);
		expect(wordsOf(text)).toEqual(['a']);
	});

	test('only the first MAX_TEXT_INDEXED characters are read', () => {
		const text = `${'x '.repeat(MAX_TEXT_INDEXED / 2)}needle`;
		expect(wordsOf(text)).toEqual(['x']);
		expect(wordsOf(`needle ${text}`)).toContain('needle');
	});

	test('at most MAX_WORDS words are kept, the first ones', () => {
		const text = Array.from({ length: MAX_WORDS + 100 }, (_, i) => `w${String(i)}`).join(' ');
		const words = withWords([], text);
		expect(words).toHaveLength(MAX_WORDS);
		expect(words[0]).toBe('w0');
		expect(words.at(-1)).toBe(`w${String(MAX_WORDS - 1)}`);
	});

	test('slices end at a space, so words across a slice end are whole', () => {
		// 'boundaryword' starts 6 characters before the first slice's end (65,536).
		const text = `${'y '.repeat(32_765)}boundaryword ${'z '.repeat(40_000)}`;
		expect(wordsOf(text)).toEqual(['y', 'boundaryword', 'z']);
	});
});
