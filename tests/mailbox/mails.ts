// A desk set up as bob's helpdesk, for the mailbox tests in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { openDesk, type Desk, type OpenDeskOptions } from '../../src/lib/desk/desk';
import { PKI } from './smime-mail';

export { aliceToBob, opensslDecryptVerify, type MailKind } from './smime-mail';

const NOW = new Date('2026-12-01T10:00:00Z');

/** A desk (own fake IndexedDB unless given) set up as bob's helpdesk: bob's key, alice's certificate, the CA chain. */
export async function bobsDesk(options: { factory?: IDBFactory; fetch?: OpenDeskOptions['fetch']; name?: string; maxMessageSize?: number } = {}): Promise<{ desk: Desk; factory: IDBFactory }> {
	const factory = options.factory ?? new IDBFactory();
	const desk = await openDesk({
		indexedDB: factory,
		name: options.name ?? 'mailbox',
		now: () => NOW,
		...(options.fetch ? { fetch: options.fetch } : {}),
		...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {})
	});
	if ((await desk.listCertificates()).length === 0) {
		await desk.setEnabled(true);
		for (const file of ['chain.pem', 'alice.pem', 'bob.pem', 'bob.key']) await desk.importFile({ name: file, data: new Uint8Array(readFileSync(join(PKI, file))) });
	}
	return { desk, factory };
}

