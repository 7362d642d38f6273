/**
 * Issue 17 point 6: names every object has (constructor, __proto__, toString and the rest of
 * Object.prototype) and the Desk class's own prototype members are not operations: the worker
 * answers each with the unknown-operation refusal instead of calling it on the desk.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, test } from 'vitest';
import { isPageMethod, unknownOperation } from '../../src/lib/desk/rpc';
import { callByName, wiredDesk, type Wired } from './rpc-helpers';

let wired: Wired | null = null;
afterEach(() => {
	wired?.close();
	wired = null;
});

const PROTOTYPE_NAMES = [
	'constructor',
	'__proto__',
	'toString',
	'toLocaleString',
	'valueOf',
	'hasOwnProperty',
	'isPrototypeOf',
	'propertyIsEnumerable',
	'__defineGetter__',
	'__defineSetter__',
	'__lookupGetter__',
	'__lookupSetter__'
];

test.each(PROTOTYPE_NAMES)('%s is refused as no desk operation', async (name) => {
	wired = await wiredDesk();
	expect(isPageMethod(name)).toBe(false);
	await expect(callByName(wired.client, name)).rejects.toMatchObject({ code: 'unknown-operation', message: unknownOperation(name) });
});

test('a refused prototype name changes nothing: the desk answers as before', async () => {
	wired = await wiredDesk();
	await expect(callByName(wired.client, '__defineGetter__', 'isEnabled', 'x')).rejects.toMatchObject({ code: 'unknown-operation' });
	await expect(callByName(wired.client, 'constructor', {})).rejects.toMatchObject({ code: 'unknown-operation' });
	await expect(wired.client.desk.isEnabled()).resolves.toBe(false);
	expect(Object.getOwnPropertyNames(wired.desk)).toEqual(['context']);
});
