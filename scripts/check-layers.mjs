#!/usr/bin/env node
/**
 * The layer check (issue 17): reads every import under src/ (static, `export … from`, dynamic
 * `import()`, in .ts, .js and the <script> blocks of .svelte files) and fails when
 *  (a) an import runs upward, or sideways between sibling layers without an arrow below;
 *  (b) files import each other in a circle (any length, type-only imports included: a circle
 *      of types is still two concepts that cannot be understood apart);
 *  (c) the library policy is broken: node-forge other than by submodule, or outside legacy/;
 *      reflect-metadata, @peculiar/x509 or @noble/curves in app code (bench and tests only);
 *      Svelte or idb below the layers that may use them.
 * Known violations that another change fixes are listed in ALLOWED with the pending fix;
 * delete an entry once that change is merged. An entry that no longer matches fails too,
 * so the list cannot go stale.
 *
 * Run: `node scripts/check-layers.mjs` (part of `npm run lint`). Exit 0 when clean, 1 with the
 * list of problems. `--root DIR` checks DIR/src instead (the tests use it, without ALLOWED).
 * Uses the TypeScript compiler's import scanner, already a dev dependency.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const rootArg = process.argv.indexOf('--root');
const ROOT = rootArg > 0 ? resolve(process.argv[rootArg + 1] ?? '.') : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/**
 * The layers, bottom to top. A file may import its own layer and any lower rank; layers of
 * the same rank may not import each other except along SIDEWAYS.
 * - base: bytes, OIDs, platform memory; imports nothing of ours.
 * - legacy, pki, mime, mailbox: the pure readers and the JMAP client, side by side.
 * - cms over pkijs; smime over cms and mime; store (IndexedDB); desk (the application);
 *   lib (src/lib/index.ts, the public openDesk() entry); ui; routes and the service worker.
 */
const RANK = { base: 0, legacy: 1, pki: 1, mime: 1, mailbox: 1, cms: 2, smime: 3, store: 4, desk: 5, lib: 6, ui: 7, routes: 8, app: 8 };

/**
 * The sideways arrows between layers of the same rank, decided here:
 * - pki → legacy: pki/read.ts loads the legacy PKCS#12 and PBE readers lazily (import()),
 *   which is the point of legacy/: the algorithms WebCrypto lacks, kept out of the main path.
 * Nothing else: mime and mailbox are independent of the certificate layers, and legacy must
 * not import pki (the KDF limits it shares with pki live in legacy/kdf-cost.ts).
 */
const SIDEWAYS = new Set(['pki>legacy']);

/**
 * Known violations another helper's change removes. Each entry: "from -> to" (paths from
 * src/, or a circle written as "circle: " and its files, sorted, as the check prints them), and why.
 */
/** @type {Map<string, string>} Nothing is pending: every known violation is fixed. */
const ALLOWED = new Map(rootArg > 0 ? [] : []);

/** Packages only some layers may import. */
const PACKAGE_RULES = [
	{ test: (s) => s === 'node-forge' || s.startsWith('node-forge/'), allow: (layer, s) => layer === 'legacy' && /^node-forge\/lib\/[a-z0-9]+\.js$/i.test(s), why: 'node-forge only by submodule (node-forge/lib/<name>.js), only in legacy/' },
	{ test: (s) => s === 'reflect-metadata' || s.startsWith('@peculiar/x509') || s.startsWith('@noble/curves'), allow: () => false, why: 'benchmark and test dependency, not for app code' },
	{ test: (s) => s === 'svelte' || s.startsWith('svelte/') || s.startsWith('$app/'), allow: (layer) => RANK[layer] >= RANK.ui, why: 'Svelte and SvelteKit belong to ui/ and routes/' },
	{ test: (s) => s === 'idb' || s.startsWith('idb/'), allow: (layer) => layer === 'store' || layer === 'desk', why: 'IndexedDB belongs to store/ (and the desk until store-layer lands)' }
];

/** The layer of a file under src/, or null for files outside the layering (app.d.ts). */
function layerOf(file) {
	const rel = relative(SRC, file).split(sep);
	if (rel[0] === 'routes') return 'routes';
	if (rel[0] === 'service-worker.ts') return 'app';
	if (rel[0] !== 'lib') return null;
	if (rel.length === 2) return 'lib';
	return rel[1] in RANK ? rel[1] : 'unknown';
}

function walk(dir, out = []) {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (/\.(ts|js|svelte)$/.test(name) && !name.endsWith('.d.ts') && !/\.test\.ts$/.test(name)) out.push(p);
	}
	return out;
}

/** The script text of a file (for .svelte, every <script> block, with line offsets kept). */
function scriptOf(file) {
	const text = readFileSync(file, 'utf8');
	if (!file.endsWith('.svelte')) return text;
	let out = '';
	for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) out += m[1] + '\n';
	return out;
}

const EXTENSIONS = ['', '.ts', '.svelte.ts', '.js', '.svelte', '/index.ts', '/index.js'];

/** The file a specifier names, or null for a package or a framework module. */
function resolveImport(from, spec) {
	let base;
	if (spec.startsWith('./') || spec.startsWith('../')) base = resolve(dirname(from), spec);
	else if (spec === '$lib' || spec.startsWith('$lib/')) base = join(SRC, 'lib', spec.slice(4));
	else return null;
	for (const ext of EXTENSIONS) {
		const p = base + ext;
		if (existsSync(p) && statSync(p).isFile()) return p;
	}
	return { missing: base };
}

const files = walk(SRC);
const problems = [];
const used = new Set();
/** @type {Map<string, string[]>} */
const graph = new Map();

function report(key, message) {
	if (ALLOWED.has(key)) used.add(key);
	else problems.push(message);
}

for (const file of files) {
	const layer = layerOf(file);
	const rel = relative(SRC, file);
	if (layer === 'unknown') problems.push(`${rel}: not in any layer; add its folder to RANK in scripts/check-layers.mjs`);
	const edges = [];
	const info = ts.preProcessFile(scriptOf(file), true, true);
	for (const { fileName: spec } of info.importedFiles) {
		const target = resolveImport(file, spec);
		if (target === null) {
			for (const rule of PACKAGE_RULES) {
				if (rule.test(spec) && !rule.allow(layer, spec)) report(`${rel} -> ${spec}`, `${rel} imports "${spec}": ${rule.why}`);
			}
			continue;
		}
		if (typeof target === 'object') {
			problems.push(`${rel} imports "${spec}", which is not a file`);
			continue;
		}
		const toRel = relative(SRC, target);
		edges.push(toRel);
		const toLayer = layerOf(target);
		if (layer === null || toLayer === null || layer === toLayer) continue;
		const up = RANK[toLayer] > RANK[layer];
		const sideways = RANK[toLayer] === RANK[layer] && !SIDEWAYS.has(`${layer}>${toLayer}`);
		if (up || sideways) {
			report(`${rel} -> ${toRel}`, `${rel} (${layer}) imports ${toRel} (${toLayer}): ${up ? 'upward' : 'sideways between sibling layers'}`);
		}
	}
	graph.set(rel, edges);
}

// Cycles: Tarjan's strongly connected components, then one shortest circle per component.
let index = 0;
const stack = [];
const meta = new Map();
const components = [];
function strong(v) {
	meta.set(v, { index, low: index, on: true });
	index++;
	stack.push(v);
	for (const w of graph.get(v) ?? []) {
		if (!graph.has(w)) continue;
		if (!meta.has(w)) {
			strong(w);
			meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
		} else if (meta.get(w).on) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
	}
	if (meta.get(v).low === meta.get(v).index) {
		const component = [];
		let w;
		do {
			w = stack.pop();
			meta.get(w).on = false;
			component.push(w);
		} while (w !== v);
		if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
	}
}
for (const v of [...graph.keys()].sort()) if (!meta.has(v)) strong(v);

/** The shortest circle through the component's first file (sorted), by breadth-first search. */
function circle(component) {
	const inside = new Set(component);
	const start = [...component].sort()[0];
	const prev = new Map([[start, null]]);
	const queue = [start];
	while (queue.length > 0) {
		const v = queue.shift();
		for (const w of graph.get(v) ?? []) {
			if (!inside.has(w)) continue;
			if (w === start) {
				const path = [start];
				for (let x = v; x !== start; x = prev.get(x)) path.splice(1, 0, x);
				return [...path, start];
			}
			if (!prev.has(w)) {
				prev.set(w, v);
				queue.push(w);
			}
		}
	}
	return [start, start];
}
for (const component of components) {
	const path = circle(component);
	const files = [...component].sort();
	report(`circle: ${files.join(', ')}`, `import circle among ${files.join(', ')}; for example ${path.join(' -> ')}`);
}

for (const [key, why] of ALLOWED) {
	if (!used.has(key)) problems.push(`allow-list entry no longer needed, delete it: "${key}" (${why})`);
}

const edgeCount = [...graph.values()].reduce((n, e) => n + e.length, 0);
if (problems.length > 0) {
	console.error(`check-layers: ${problems.length} problem(s) in ${files.length} files, ${edgeCount} imports:`);
	for (const p of problems) console.error(`  ${p}`);
	process.exit(1);
}
console.log(`check-layers: ${files.length} files, ${edgeCount} imports: no upward or sideways import, no circle, library policy kept (${used.size} allowed pending: ${[...used].join('; ') || 'none'}).`);
