/**
 * Issue 17 point 6: an error crosses the worker with its name, its code (a DeskErrorCode) and
 * its chain of causes, as plain data that survives structured cloning, and is rebuilt in the
 * page as DeskErrors whose `cause` is the next DeskError.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, test } from 'vitest';
import { DeskError, isDeskErrorCode, toRpcError } from '../../src/lib/desk/rpc';
import { DraftError } from '../../src/lib/smime/outgoing-draft';
import { MailboxError } from '../../src/lib/mailbox/errors';
import { wiredDesk, type Wired } from '../security/rpc-helpers';

let wired: Wired | null = null;
afterEach(() => {
	wired?.close();
	wired = null;
});

test('a chain of causes becomes plain data, code by code, and is rebuilt as DeskErrors', () => {
	const root = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	const mailbox = new MailboxError('unreachable', 'ECONNREFUSED', { cause: root });
	const draft = new DraftError('failed', 'The message could not be built.', { cause: mailbox });
	const data = structuredClone(toRpcError(draft));
	expect(data).toEqual({
		name: 'DraftError',
		message: 'The message could not be built.',
		code: 'failed',
		cause: {
			name: 'MailboxError',
			message: 'The mail server could not be reached. Check the session URL and the network.',
			code: 'unreachable',
			cause: { name: 'QuotaExceededError', message: 'The quota has been exceeded.' }
		}
	});
	const rebuilt = new DeskError(data);
	expect(rebuilt).toBeInstanceOf(Error);
	expect(rebuilt).toMatchObject({ name: 'DraftError', code: 'failed', message: 'The message could not be built.' });
	const cause = rebuilt.cause as DeskError;
	expect(cause).toBeInstanceOf(DeskError);
	expect(cause).toMatchObject({ name: 'MailboxError', code: 'unreachable' });
	expect(cause.cause).toMatchObject({ name: 'QuotaExceededError', message: 'The quota has been exceeded.', code: undefined });
	expect((cause.cause as DeskError).cause).toBeUndefined();
});

test('a code outside the union is not carried; DOMException\'s numeric code is not a code', () => {
	const foreign = Object.assign(new Error('Library trouble.'), { code: 'ERR_SOMETHING' });
	expect(toRpcError(foreign)).toEqual({ name: 'Error', message: 'Library trouble.' });
	expect(toRpcError(new DOMException('Gone.', 'NotFoundError'))).toEqual({ name: 'NotFoundError', message: 'Gone.' });
	expect(isDeskErrorCode('wrong-passphrase')).toBe(true);
	expect(isDeskErrorCode('toString')).toBe(false);
	expect(isDeskErrorCode('ERR_SOMETHING')).toBe(false);
});

test('something thrown that is no Error, and a cause that is no Error, become messages', () => {
	expect(toRpcError('plain words')).toEqual({ name: 'Error', message: 'plain words' });
	expect(toRpcError(new Error('Outer.', { cause: 42 }))).toEqual({ name: 'Error', message: 'Outer.', cause: { name: 'Error', message: '42' } });
});

test('a cycle of causes, or a chain deeper than 8, is cut off and still clones', () => {
	const a = new Error('A.');
	const b = new Error('B.', { cause: a });
	(a as { cause?: unknown }).cause = b;
	const cycle = structuredClone(toRpcError(a));
	expect(cycle).toEqual({ name: 'Error', message: 'A.', cause: { name: 'Error', message: 'B.' } });
	let deep: Error = new Error('0');
	for (let i = 1; i <= 20; i++) deep = new Error(String(i), { cause: deep });
	let depth = 0;
	for (let c: { cause?: unknown } | undefined = toRpcError(deep); c; c = c.cause as { cause?: unknown } | undefined) depth++;
	expect(depth).toBe(9);
});

test('through the worker: an import refusal keeps its code, a bad log file keeps its cause', async () => {
	wired = await wiredDesk();
	const disabled = await wired.client.desk.importFile({ name: 'a.pem', data: 'x' }).catch((error: unknown) => error);
	expect(disabled).toBeInstanceOf(DeskError);
	expect(disabled).toMatchObject({ name: 'ImportError', code: 'disabled', message: 'Enable S/MIME first.' });
	const badLog = await wired.client.desk.importLogs({ data: '[ not json' }).catch((error: unknown) => error);
	expect(badLog).toMatchObject({ name: 'Error', message: 'The log file is not valid JSON.', code: undefined });
	expect((badLog as DeskError).cause).toBeInstanceOf(DeskError);
	expect((badLog as DeskError).cause).toMatchObject({ name: 'SyntaxError' });
});
