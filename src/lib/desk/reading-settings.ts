/**
 * The admin's settings for reading mail. One today: "Accept SHA-1 signatures", off by default
 * (as in Thunderbird), so a message signature whose digest or signature hash is SHA-1 reads as
 * invalid; on, it reads as before: valid with the weak-algorithm warning. MD5 is refused either
 * way. The setting lives in the settings store; receive() and retry() read it on every run.
 */
import { announce, type DeskContext } from './context';
import { appendLog } from './log';

const SHA1_KEY = 'acceptSha1Signatures';

/** Whether SHA-1 message signatures are accepted (with a warning); false when never set. */
export async function acceptSha1Signatures(ctx: DeskContext): Promise<boolean> {
	return (await ctx.db.get('settings', SHA1_KEY)) === true;
}

/**
 * Turns "Accept SHA-1 signatures" on or off, and logs the change in Recent Logs (one
 * transaction). Articles already stored keep their result until they are retried.
 * @throws Error "The SHA-1 setting must be true or false." for any other value
 */
export async function setAcceptSha1Signatures(ctx: DeskContext, on: boolean): Promise<void> {
	if (typeof on !== 'boolean') throw new Error('The SHA-1 setting must be true or false.');
	const tx = ctx.db.transaction(['settings', 'logs'], 'readwrite');
	await tx.objectStore('settings').put(on, SHA1_KEY);
	const detail = `Accept SHA-1 signatures: ${on ? 'on' : 'off'}`;
	await appendLog(tx, { direction: 'admin', operation: 'setting', status: 'success', detail, messageId: null }, ctx.now());
	await tx.done;
	announce(ctx, ['settings', 'logs']);
}
