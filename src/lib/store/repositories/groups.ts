/**
 * The 'groups' store (records: {@link GroupRecord}).
 */
import type { GroupRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** Every group record, by id. */
export function all(source: Source<'groups'>): Promise<GroupRecord[]> {
	return onStore(source, 'groups', 'readonly', (s) => s.getAll());
}

/** The group with this id, or undefined. */
export function byId(source: Source<'groups'>, id: string): Promise<GroupRecord | undefined> {
	return onStore(source, 'groups', 'readonly', (s) => s.get(id));
}

/** Whether a group has this id (reads no record). */
export async function exists(source: Source<'groups'>, id: string): Promise<boolean> {
	return (await onStore(source, 'groups', 'readonly', (s) => s.getKey(id))) !== undefined;
}

/** Stores a group, new or replacing the one with its id. */
export async function save(tx: WriteTx<'groups'>, record: GroupRecord): Promise<void> {
	await tx.objectStore('groups').put(record);
}

/** Deletes a group (nothing when none has this id). */
export async function remove(tx: WriteTx<'groups'>, id: string): Promise<void> {
	await tx.objectStore('groups').delete(id);
}
