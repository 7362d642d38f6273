/**
 * Groups: a name, the sender email the group's mail goes out from, and its S/MIME defaults
 * (Zammad's per-group "default sign" and "default encrypt"). Both default to on; the composer
 * turns an option on by default only where it is also possible (see compose.securityOptions).
 */
import { toHex } from '../base/bytes';
import { isValidAddress } from '../mime/display';
import type { GroupRecord } from '../store/records';
import { groupStore } from '../store/repositories';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';

/** A stored group. */
export interface Group {
	id: string;
	name: string;
	/** The sender address, lower-cased. */
	email: string;
	/** Sign by default (when signing is possible). */
	sign: boolean;
	/** Encrypt by default (when encryption is possible). */
	encrypt: boolean;
}

/** Input of {@link saveGroup}: without an id a new group is made; sign and encrypt default to true. */
export interface GroupInput {
	id?: string;
	name: string;
	email: string;
	sign?: boolean;
	encrypt?: boolean;
}

const KNOWN = new Set(['id', 'name', 'email', 'sign', 'encrypt']);

/** A record as a group; null for one without a string id, name and email (written by other code). */
function toGroup(record: GroupRecord): Group | null {
	const { id, name, email, sign, encrypt } = record as Partial<Record<keyof GroupRecord, unknown>>;
	if (typeof id !== 'string' || typeof name !== 'string' || typeof email !== 'string') return null;
	return { id, name, email, sign: sign !== false, encrypt: encrypt !== false };
}

/** Every group, sorted by name. */
export async function listGroups(ctx: DeskContext): Promise<Group[]> {
	return sortedGroups(await groupStore.all(ctx.db));
}

/** The groups among stored group records, sorted by name (as {@link listGroups} gives them). */
export function sortedGroups(records: readonly GroupRecord[]): Group[] {
	return records
		.map(toGroup)
		.filter((g): g is Group => g !== null)
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** One group by id, or null when there is none. */
export async function getGroup(ctx: DeskContext, id: string): Promise<Group | null> {
	const record = await groupStore.byId(ctx.db, id);
	return record ? toGroup(record) : null;
}

/** The first group (by name) whose sender email is `email` (case-insensitive), or null. */
export async function groupForEmail(ctx: DeskContext, email: string): Promise<Group | null> {
	const wanted = email.trim().toLowerCase();
	return (await listGroups(ctx)).find((g) => g.email === wanted) ?? null;
}

/**
 * Creates a group (no id) or replaces one (with the id of a stored group).
 * @returns the stored group
 * @throws Error with the sentence for the admin: "The group needs a name.", "The email
 *   address "x" is not valid.", "No group has this id.", or for an unknown option
 */
export async function saveGroup(ctx: DeskContext, input: GroupInput): Promise<Group> {
	for (const key of Object.keys(input)) if (!KNOWN.has(key)) throw new Error(`Unknown group option "${key}".`);
	const name = typeof input.name === 'string' ? input.name.trim() : '';
	if (!name) throw new Error('The group needs a name.');
	const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
	if (!isValidAddress(email)) throw new Error(`The email address "${input.email}" is not valid.`);
	if (input.sign !== undefined && typeof input.sign !== 'boolean') throw new Error('"sign" must be true or false.');
	if (input.encrypt !== undefined && typeof input.encrypt !== 'boolean') throw new Error('"encrypt" must be true or false.');
	const id = input.id ?? randomId(ctx.crypto);
	const group: Group = { id, name, email, sign: input.sign ?? true, encrypt: input.encrypt ?? true };
	await withWriteTransaction(ctx.db, ['groups', 'logs'], async (tx) => {
		if (input.id !== undefined && !(await groupStore.exists(tx, input.id))) throw new Error('No group has this id.');
		await groupStore.save(tx, { ...group });
		const detail = `group "${name}" <${email}>: sign by default ${group.sign ? 'on' : 'off'}, encrypt by default ${group.encrypt ? 'on' : 'off'}`;
		await appendLog(tx, { direction: 'admin', operation: 'group', status: 'success', detail, messageId: null }, ctx.now());
	});
	announce(ctx, ['groups', 'logs']);
	return group;
}

/**
 * Deletes a group.
 * @throws Error "No group has this id." when it is not stored
 */
export async function deleteGroup(ctx: DeskContext, id: string): Promise<void> {
	await withWriteTransaction(ctx.db, ['groups', 'logs'], async (tx) => {
		const record = await groupStore.byId(tx, id);
		if (!record) throw new Error('No group has this id.');
		await groupStore.remove(tx, id);
		const group = toGroup(record);
		await appendLog(tx, { direction: 'admin', operation: 'delete-group', status: 'success', detail: `group "${group?.name ?? id}"`, messageId: null }, ctx.now());
	});
	announce(ctx, ['groups', 'logs']);
}

function randomId(crypto: Crypto): string {
	return toHex(crypto.getRandomValues(new Uint8Array(8)));
}
