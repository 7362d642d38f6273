/**
 * Issue 17 point 6: `close` is a desk method, but the page may not call it through the worker:
 * it would close the worker's database under the page, and every later call would fail with
 * nothing to reopen it. The worker refuses it with a sentence and the desk stays open.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, test, vi } from 'vitest';
import { DESK_API, DeskError, isPageMethod, refusedOperation } from '../../src/lib/desk/rpc';
import { callByName, wiredDesk, type Wired } from './rpc-helpers';

let wired: Wired | null = null;
afterEach(() => {
	wired?.close();
	wired = null;
});

test('close is answered with the refusal, never run, and the desk keeps working', async () => {
	wired = await wiredDesk();
	const close = vi.spyOn(wired.desk, 'close');
	const refused = await callByName(wired.client, 'close').catch((error: unknown) => error);
	expect(refused).toBeInstanceOf(DeskError);
	expect(refused).toMatchObject({ code: 'refused-operation', message: 'The page cannot call the desk operation "close".' });
	expect(refusedOperation('close')).toBe('The page cannot call the desk operation "close".');
	expect(close).not.toHaveBeenCalled();
	await wired.client.desk.setEnabled(true);
	await expect(wired.client.desk.isEnabled()).resolves.toBe(true);
});

test('close is listed and refused by the allow-list itself', () => {
	expect(DESK_API.close).toBe(false);
	expect(isPageMethod('close')).toBe(false);
	expect(isPageMethod('isEnabled')).toBe(true);
});
