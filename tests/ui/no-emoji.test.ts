/**
 * No emoji anywhere in the UI (issue 19): on a machine without an emoji font they show as
 * empty boxes. Icons come from one SVG set (src/lib/ui/icons). This reads every source file the
 * UI is built from, and the built pages and styles when a build exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

/** Pictographs, dingbats, arrows-and-symbols blocks and the emoji variation selector. */
const EMOJI = /[\p{Extended_Pictographic}\u{2190}-\u{21FF}\u{2300}-\u{23FF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}/u;
const ALLOWED = /[\u00A9\u00AE\u2122]/u; // ©, ® and ™ are pictographic in Unicode but are text in every font

function files(dir: string, ext: RegExp): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? files(path, ext) : ext.test(name) ? [path] : [];
	});
}

function emojiIn(path: string): string[] {
	const found: string[] = [];
	readFileSync(path, 'utf8')
		.split('\n')
		.forEach((line, i) => {
			for (const ch of line) if (EMOJI.test(ch) && !ALLOWED.test(ch)) found.push(`${path}:${String(i + 1)}: ${ch}`);
		});
	return found;
}

test('no source file of the UI contains an emoji', () => {
	const sources = [...files('src', /\.(svelte|ts|css|html)$/), ...files('static', /\.(html|css|json|webmanifest)$/)];
	expect(sources.length).toBeGreaterThan(20);
	expect(sources.flatMap(emojiIn)).toEqual([]);
});

test('the detector finds the emoji the UI used to show', () => {
	for (const ch of ['🔒', '🔏', '✅', '⚠', '❌', '⌛', '🔓', '✔', '✖']) expect(EMOJI.test(ch), ch).toBe(true);
	for (const ch of ['a', '—', '…', '·', '#', '@']) expect(EMOJI.test(ch), ch).toBe(false);
});

test('the built pages and styles contain no emoji', () => {
	const built = [...files('build', /\.(html|css)$/)];
	// Without a build there is nothing to read; `npm test` builds before the browser tests, which check the rendered pages.
	if (built.length === 0) return;
	expect(built.flatMap(emojiIn)).toEqual([]);
});
