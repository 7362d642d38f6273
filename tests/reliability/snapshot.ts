/** Every store of a desk's database, record by record, for "exactly as before" comparisons. */
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
		out[name] = keys.map((key, i) => ({ key, value: comparable(values[i]) }));
	}
	await tx.done;
	return out;
}

function comparable(value: unknown): unknown {
	if (value instanceof CryptoKey) return { cryptoKey: value.algorithm, usages: value.usages, extractable: value.extractable };
	if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
	if (Array.isArray(value)) return value.map(comparable);
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
	return value;
}
