/**
 * Issue 17 point 6, checked by the compiler (npm run check type-checks tests): the page's desk
 * type is derived from the Desk class and the allow-list, so it has no `close`, keeps each
 * method's parameters and results, and error codes are the DeskErrorCode union.
 */
import { expectTypeOf, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { DESK_API, type DeskError, type DeskErrorCode, type DeskMethod, type PageMethod, type RemoteDesk } from '../../src/lib/desk/rpc';
import type { ImportErrorCode } from '../../src/lib/pki/errors';
import type { DraftErrorCode } from '../../src/lib/smime/outgoing-draft';
import type { MailboxErrorCode } from '../../src/lib/mailbox/errors';
import type { RemoteDesk as ClientRemoteDesk } from '../../src/lib/ui/desk-client';

test('the page\'s desk: every allowed Desk method with its own types, asynchronous, and no close', () => {
	expectTypeOf<RemoteDesk>().not.toHaveProperty('close');
	expectTypeOf<RemoteDesk>().not.toHaveProperty('context');
	expectTypeOf<RemoteDesk['getAttachment']>().parameters.toEqualTypeOf<Parameters<Desk['getAttachment']>>();
	expectTypeOf<RemoteDesk['getAttachment']>().returns.toEqualTypeOf<Promise<Uint8Array | null>>();
	expectTypeOf<RemoteDesk['stopMailboxSync']>().returns.toEqualTypeOf<Promise<void>>();
	expectTypeOf<ClientRemoteDesk>().toEqualTypeOf<RemoteDesk>();
	expectTypeOf<PageMethod>().toEqualTypeOf<Exclude<DeskMethod, 'close'>>();
	// Every method of the class is decided in the allow-list, and nothing else is in it.
	expectTypeOf<keyof typeof DESK_API>().toEqualTypeOf<DeskMethod>();
});

test('error codes are one union: import, draft and mailbox codes and the worker\'s refusals', () => {
	expectTypeOf<DeskError['code']>().toEqualTypeOf<DeskErrorCode | undefined>();
	expectTypeOf<DeskErrorCode>().toEqualTypeOf<ImportErrorCode | DraftErrorCode | MailboxErrorCode | 'unknown-operation' | 'refused-operation'>();
	// @ts-expect-error a code nobody throws is no DeskErrorCode
	const stray: DeskErrorCode = 'no-such-code';
	expectTypeOf(stray).toEqualTypeOf<DeskErrorCode>();
});
