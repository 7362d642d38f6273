/**
 * The store layer's boundaries (issue 17, point 1): the desk reaches IndexedDB only through the
 * store's repositories, the store imports nothing above it, and no module of desk/ or store/
 * takes part in an import circle (type-only imports count: they are how the old circle
 * tickets.ts ⇄ ticket-overview.ts was made).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = join(ROOT, 'src/lib');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
	});
}

/** The modules of src/lib a file imports (relative and $lib imports, type-only ones too). */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const out: string[] = [];
	for (const m of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'([^']+)'/g)) {
		const spec = m[1] ?? '';
		let target: string | null = null;
		if (spec.startsWith('.')) target = resolve(dirname(file), spec);
		else if (spec.startsWith('$lib/')) target = join(LIB, spec.slice(5));
		if (target === null) continue;
		for (const candidate of [`${target}.ts`, join(target, 'index.ts'), target]) {
			try {
				if (statSync(candidate).isFile()) {
					out.push(candidate);
					break;
				}
			} catch {
				// Not this form of the path.
			}
		}
	}
	return out;
}

const files = [...sources(join(LIB, 'store')), ...sources(join(LIB, 'desk'))];
const rel = (f: string): string => relative(LIB, f);

describe('store and desk layering', () => {
	test('no import circle in desk/ or store/', () => {
		const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
		const circles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const walk = (file: string, path: string[]): void => {
			state.set(file, 'open');
			for (const next of graph.get(file) ?? []) {
				if (state.get(next) === 'open') circles.push([...path.slice(path.indexOf(next)), next].map(rel).join(' → '));
				else if (!state.has(next)) walk(next, [...path, next]);
			}
			state.set(file, 'done');
		};
		for (const f of files) if (!state.has(f)) walk(f, [f]);
		expect(circles).toEqual([]);
	});

	test('store/ imports nothing from desk/, ui/ or routes', () => {
		const upward = sources(join(LIB, 'store')).flatMap((f) => importsOf(f).filter((t) => /\/src\/(lib\/(desk|ui)|routes)\//.test(t)).map((t) => `${rel(f)} → ${rel(t)}`));
		expect(upward).toEqual([]);
	});

	test('desk/ never touches IndexedDB itself: no idb import, no transaction, object store or db read/write', () => {
		const raw = /from 'idb'|\.transaction\(|\.objectStore\(|\.db\.(?!close\()\w+\(|\.(getAll|getAllKeys|getAllFromIndex|getFromIndex|openCursor)\(/;
		const offending = sources(join(LIB, 'desk')).flatMap((f) =>
			readFileSync(f, 'utf8')
				.split('\n')
				.flatMap((line, i) => (raw.test(line) ? [`${rel(f)}:${String(i + 1)}: ${line.trim()}`] : []))
		);
		expect(offending).toEqual([]);
	});

	test('the record types are defined in store/records.ts, and the schema types every store with them', () => {
		const schema = readFileSync(join(LIB, 'store/schema.ts'), 'utf8');
		expect(schema).not.toMatch(/Record<string, unknown>|value: unknown/);
		const defined = sources(LIB).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/export (?:interface|type) (\w+Record|LogEntry|StoredSection|StoredAttachment|VaultSetting)\b/g)].map((m) => `${rel(f)}: ${m[1] ?? ''}`));
		expect(defined.every((d) => d.startsWith('store/records.ts:'))).toBe(true);
		expect(defined.length).toBeGreaterThanOrEqual(12);
	});
});
