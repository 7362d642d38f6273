/**
 * Issue 17 point 6: the desk worker calls only the operations of its allow-list (DESK_API). A
 * name that is no desk operation, or a message that is not a call, is answered with a refusal
 * (or ignored) and never looked up on the desk; the desk keeps working after it.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, test } from 'vitest';
import { DeskError, unknownOperation } from '../../src/lib/desk/rpc';
import { callByName, wiredDesk, type Wired } from './rpc-helpers';

let wired: Wired | null = null;
afterEach(() => {
	wired?.close();
	wired = null;
});

test('an unknown name is refused with a DeskError, code unknown-operation and its sentence', async () => {
	wired = await wiredDesk();
	const refused = await callByName(wired.client, 'dropEverything').catch((error: unknown) => error);
	expect(refused).toBeInstanceOf(DeskError);
	expect(refused).toMatchObject({ name: 'RefusedCall', code: 'unknown-operation', message: '"dropEverything" is not a desk operation.' });
	// The desk still answers.
	await expect(wired.client.desk.isEnabled()).resolves.toBe(false);
});

test('the desk\'s own non-method member (context) is no operation', async () => {
	wired = await wiredDesk();
	await expect(callByName(wired.client, 'context')).rejects.toMatchObject({ code: 'unknown-operation', message: unknownOperation('context') });
});

test('a very long name is cut in the sentence', async () => {
	wired = await wiredDesk();
	const name = 'x'.repeat(10_000);
	await expect(callByName(wired.client, name)).rejects.toMatchObject({ code: 'unknown-operation', message: `"${'x'.repeat(80)}" is not a desk operation.` });
});

test('a method that is not a string is refused; a message without a call id gets no answer and breaks nothing', async () => {
	wired = await wiredDesk();
	const answer = await wired.raw({ id: 7, method: 42, args: [] }, 7);
	expect(answer).toEqual({ id: 7, kind: 'error', error: { name: 'RefusedCall', message: '"(number)" is not a desk operation.', code: 'unknown-operation' } });
	const objectMethod = await wired.raw({ id: 8, method: { toString: 'isEnabled' }, args: [] }, 8);
	expect(objectMethod).toMatchObject({ kind: 'error', error: { code: 'unknown-operation', message: '"(object)" is not a desk operation.' } });
	for (const junk of [null, 'isEnabled', 5, { method: 'isEnabled' }, { id: 0, method: 'isEnabled' }, { id: -1, method: 'isEnabled' }, { id: 1.5, method: 'isEnabled' }]) {
		wired.raw(junk, 0).catch(() => undefined);
	}
	// Arguments that are not an array are no arguments.
	await expect(wired.raw({ id: 9, method: 'isEnabled', args: 'yes' }, 9)).resolves.toEqual({ id: 9, kind: 'result', value: false });
});
