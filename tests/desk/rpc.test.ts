/**
 * The worker's replies: which result bytes are moved to the page instead of copied (issue 8),
 * and that moving really leaves nothing behind in the worker, as postMessage does.
 */
import { expect, test } from 'vitest';
import { handedOver } from '../../src/lib/desk/rpc';

test('a composed message, an attachment and a raw mail are moved when they own their whole buffer', () => {
	const raw = new Uint8Array(64);
	expect(handedOver('compose', { raw, articleId: 1 })).toEqual([raw.buffer]);
	const attachment = new Uint8Array(8);
	expect(handedOver('getAttachment', attachment)).toEqual([attachment.buffer]);
	expect(handedOver('articleRaw', raw)).toEqual([raw.buffer]);
});

test('a view into a larger buffer, another method, or no bytes: nothing is moved', () => {
	const shared = new Uint8Array(64);
	expect(handedOver('compose', { raw: shared.subarray(8) })).toEqual([]);
	expect(handedOver('articleRaw', shared.subarray(0, 10))).toEqual([]);
	expect(handedOver('getTicket', shared)).toEqual([]);
	expect(handedOver('toString', shared)).toEqual([]);
	expect(handedOver('getAttachment', null)).toEqual([]);
	expect(handedOver('compose', null)).toEqual([]);
});

test('the moved buffer arrives whole and is gone from the sender', () => {
	const raw = Uint8Array.from([1, 2, 3, 4]);
	const value = { raw };
	const copy = structuredClone(value, { transfer: handedOver('compose', value) });
	expect(copy.raw).toEqual(Uint8Array.from([1, 2, 3, 4]));
	expect(raw.byteLength).toBe(0);
});
