/** Every store of a desk's database, record by record, for "exactly as before" comparisons. */
import { expect } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { STORE_NAMES } from '../../src/lib/store/schema';

/** A comparable copy of every store: keys and values (CryptoKeys as their algorithm and usages). */
export async function storeSnapshot(desk: Desk): Promise<Record<string, unknown[]>> {
	const db = desk.context.db;
	const tx = db.transaction([...STORE_NAMES]);
	const out: Record<string, unknown[]> = {};
	for (const name of STORE_NAMES) {
		const store = tx.objectStore(name);
		const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
		out[name] = keys.map((key, i) => ({ key, value: values[i] }));
	}
	await tx.done;
	for (const name of STORE_NAMES) out[name] = await Promise.all((out[name] ?? []).map(async (r) => ({ ...(r as object), value: await comparable((r as { value: unknown }).value) })));
	return out;
}

/** Bytes compare by content, whether stored as a Uint8Array or a Blob (a raw mail, an attachment). */
async function comparable(value: unknown): Promise<unknown> {
	if (value instanceof CryptoKey) return { cryptoKey: value.algorithm, usages: value.usages, extractable: value.extractable };
	if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('base64')}`;
	if (value instanceof Blob) return `bytes:${Buffer.from(await value.arrayBuffer()).toString('base64')}`;
	if (Array.isArray(value)) return Promise.all(value.map(comparable));
	if (value !== null && typeof value === 'object') return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await comparable(v)])));
	return value;
}

/**
 * The store is exactly as `before`, but for one new Recent Logs entry: the refused admin action
 * (`operation`), with the sentence the admin saw (issue 19: refused actions are logged too).
 */
export async function expectOnlyRefusalLogged(desk: Desk, before: Record<string, unknown[]>, operation: string, sentence: string): Promise<void> {
	const after = await storeSnapshot(desk);
	const logs = after.logs ?? [];
	const refusal = (logs.at(-1) as { value: { direction: string; operation: string; status: string; detail: string } } | undefined)?.value;
	expect(refusal).toMatchObject({ direction: 'admin', operation, status: 'failed' });
	expect(refusal?.detail).toContain(sentence);
	expect({ ...after, logs: logs.slice(0, -1) }).toEqual(before);
}
