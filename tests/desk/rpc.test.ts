/**
 * The worker's replies: which result bytes are moved to the page instead of copied (issue 8),
 * and that moving really leaves nothing behind in the worker, as postMessage does.
 */
import { expect, test } from 'vitest';
import { handedOver } from '../../src/lib/desk/rpc';

test('a composed message, an attachment and a raw mail are moved with their buffers', () => {
	const raw = new Uint8Array(64);
	expect(handedOver('compose', { raw, articleId: 1 })).toEqual([raw.buffer]);
	const attachment = new Uint8Array(8);
	expect(handedOver('getAttachment', attachment)).toEqual([attachment.buffer]);
	expect(handedOver('articleRaw', raw)).toEqual([raw.buffer]);
});

test('another method, a shared buffer, or no bytes: nothing is moved', () => {
	const shared = new Uint8Array(64);
	expect(handedOver('getTicket', shared)).toEqual([]);
	expect(handedOver('compose', { raw: new Uint8Array(new SharedArrayBuffer(8)) })).toEqual([]);
	expect(handedOver('getAttachment', null)).toEqual([]);
	expect(handedOver('compose', null)).toEqual([]);
});

test('a message built with spare room after it arrives as exactly its bytes, and is gone from the sender', () => {
	const written = new Uint8Array(16).fill(9);
	written.set([1, 2, 3], 0);
	const value = { raw: written.subarray(0, 3) };
	const copy = structuredClone(value, { transfer: handedOver('compose', value) });
	expect(copy.raw).toEqual(Uint8Array.from([1, 2, 3]));
	expect(written.byteLength).toBe(0);
});

test('the moved buffer arrives whole and is gone from the sender', () => {
	const raw = Uint8Array.from([1, 2, 3, 4]);
	const value = { raw };
	const copy = structuredClone(value, { transfer: handedOver('compose', value) });
	expect(copy.raw).toEqual(Uint8Array.from([1, 2, 3, 4]));
	expect(raw.byteLength).toBe(0);
});
