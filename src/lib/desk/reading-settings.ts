/**
 * The admin's settings for reading mail. One today: "Accept SHA-1 signatures", off by default
 * (as in Thunderbird), so a message signature whose digest or signature hash is SHA-1 reads as
 * invalid; on, it reads as before: valid with the weak-algorithm warning. MD5 is refused either
 * way. The setting lives in the settings store; receive() and retry() read it on every run.
 */
import { settingStore } from '../store/repositories';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';

/** Whether SHA-1 message signatures are accepted (with a warning); false when never set. */
export async function acceptSha1Signatures(ctx: DeskContext): Promise<boolean> {
	return settingStore.read(ctx.db, 'acceptSha1Signatures');
}

/**
 * Turns "Accept SHA-1 signatures" on or off, and logs the change in Recent Logs (one
 * transaction). Articles already stored keep their result until they are retried.
 * @throws Error "The SHA-1 setting must be true or false." for any other value
 */
export async function setAcceptSha1Signatures(ctx: DeskContext, on: boolean): Promise<void> {
	if (typeof on !== 'boolean') throw new Error('The SHA-1 setting must be true or false.');
	await withWriteTransaction(ctx.db, ['settings', 'logs'], async (tx) => {
		await settingStore.write(tx, 'acceptSha1Signatures', on);
		const detail = `Accept SHA-1 signatures: ${on ? 'on' : 'off'}`;
		await appendLog(tx, { direction: 'admin', operation: 'setting', status: 'success', detail, messageId: null }, ctx.now());
	});
	announce(ctx, ['settings', 'logs']);
}
