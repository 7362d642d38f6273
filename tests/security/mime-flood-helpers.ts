/**
 * Helpers of the mime-*-flood attack tests (issue 15, point 7): messages of millions of short
 * lines near the size limit, received on a fresh desk while the work given to postal-mime is
 * counted (its input sizes and lines), and the display compared with postal-mime's own.
 */
import PostalMime from 'postal-mime';
import { expect, vi } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { toDisplay, type DisplayContent } from '../../src/lib/mime/display';
import { DEFAULT_MAX_SIZE } from '../../src/lib/smime/incoming';
import { freshDesk } from '../desk/receive-helpers';
import { withHeaders } from '../smime/mail';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Headers, then `unit` repeated to fill the message up to `size` bytes, then `tail`. */
export function flood(head: string, unit: string, tail = '', size = DEFAULT_MAX_SIZE - 2048): { raw: Uint8Array; count: number } {
	const h = enc(head);
	const u = enc(unit);
	const t = enc(tail);
	const count = Math.floor((size - h.length - t.length) / u.length);
	const body = new Uint8Array(h.length + count * u.length + t.length);
	body.set(h);
	// Doubling copies: 50 MB in a few native steps.
	body.set(u, h.length);
	let filled = u.length;
	const total = count * u.length;
	while (filled < total) {
		const n = Math.min(filled, total - filled);
		body.copyWithin(h.length + filled, h.length, h.length + n);
		filled += n;
	}
	body.set(t, h.length + total);
	return { raw: withHeaders(body), count };
}

/** The work postal-mime was given: its largest input, and the lines (LFs) of all its inputs. */
export interface PostalWork {
	largestParse: number;
	linesParsed: number;
}

/** Runs `f` while counting what postal-mime is given. */
export async function counted<T>(f: () => Promise<T>): Promise<T & PostalWork & { ms: number }> {
	const spy = vi.spyOn(PostalMime, 'parse');
	const started = performance.now();
	const result = await f();
	const ms = performance.now() - started;
	const inputs = spy.mock.calls.map((c) => c[0] as Uint8Array);
	expect(spy).toHaveBeenCalled();
	spy.mockRestore();
	let linesParsed = 0;
	for (const input of inputs) for (let at = input.indexOf(10); at !== -1; at = input.indexOf(10, at + 1)) linesParsed++;
	return { ...result, ms, largestParse: Math.max(0, ...inputs.map((i) => i.length)), linesParsed };
}

/** Receives `raw` on a fresh desk: the article, the time, and the work postal-mime was given. */
export async function receive(raw: Uint8Array): Promise<{ article: Awaited<ReturnType<Desk['receive']>>; desk: Desk } & PostalWork & { ms: number }> {
	const { desk } = await freshDesk({ now: new Date() });
	return counted(async () => ({ article: await desk.receive(raw), desk }));
}

/** The bytes of attachment `index` of an article. */
export async function attachment(desk: Desk, articleId: number, index: number): Promise<Uint8Array> {
	const content = await desk.getAttachment(articleId, index);
	expect(content).not.toBeNull();
	return content ?? new Uint8Array(0);
}

/** postal-mime reads at most the 64 KB budget of bodies, plus each part's headers and placeholder (under 1,000 parts). */
export const SMALL = 200_000;
/** A generous bound for a loaded machine; the real assertion is the work counted. */
export const BOUND_MS = 15_000;

/** What postal-mime alone gives for `raw`: the large-part threshold above any message size. */
export function postalOnly(raw: Uint8Array): Promise<DisplayContent> {
	return toDisplay(raw, crypto, Number.POSITIVE_INFINITY);
}

/** The display with attachment contents as hex, for exact comparison. */
export function comparable(d: DisplayContent): unknown {
	return { ...d, attachments: d.attachments.map((a) => ({ ...a, content: Buffer.from(a.content).toString('hex') })) };
}

/**
 * toDisplay with every part counted as large equals postal-mime over the whole message, and took
 * the fast path (postal-mime was given one message, other than `raw`).
 */
export async function expectSameAsPostal(raw: Uint8Array): Promise<void> {
	const spy = vi.spyOn(PostalMime, 'parse');
	const got = await toDisplay(raw, crypto, 1);
	const inputs = spy.mock.calls.map((c) => c[0] as Uint8Array);
	spy.mockRestore();
	expect(inputs).toHaveLength(1);
	expect(inputs[0]?.length).not.toBe(raw.length);
	expect(comparable(got)).toEqual(comparable(await postalOnly(raw)));
}
