/** Issue 17 "Done when": scripts/check-layers.mjs fails on upward and sideways imports, circles and library-policy breaks. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

const SCRIPT = new URL('../../scripts/check-layers.mjs', import.meta.url).pathname;
const roots: string[] = [];

/** Runs the check on a tree of the given files (paths from the tree's root). */
function check(files: Record<string, string>): { status: number | null; out: string } {
	const root = mkdtempSync(join(tmpdir(), 'layers-'));
	roots.push(root);
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	const r = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
	return { status: r.status, out: r.stdout + r.stderr };
}

afterEach(() => {
	for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('check-layers', () => {
	test('the real tree passes', () => {
		const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/^check-layers: \d+ files, \d+ imports: no upward or sideways import, no circle/);
	});

	test('downward imports, pki loading legacy, and $lib paths pass', () => {
		const r = check({
			'src/lib/base/bytes.ts': 'export const x = 1;\n',
			'src/lib/legacy/des.ts': "import forge from 'node-forge/lib/forge.js';\nimport 'node-forge/lib/des.js';\nimport { x } from '../base/bytes';\nexport const y = [forge, x];\n",
			'src/lib/pki/read.ts': "export const z = () => import('../legacy/des');\n",
			'src/lib/ui/A.svelte': "<script lang=\"ts\">\n\timport { z } from '$lib/pki/read';\n\timport { onMount } from 'svelte';\n</script>\n"
		});
		expect(r.out).toContain('no upward or sideways import, no circle');
		expect(r.status).toBe(0);
	});

	test('an upward import fails, static or dynamic, and in a .svelte script', () => {
		const r = check({
			'src/lib/pki/a.ts': "import { b } from '../cms/b';\nexport const a = b;\n",
			'src/lib/cms/b.ts': "export const b = () => import('../desk/c');\n",
			'src/lib/desk/c.ts': 'export const c = 1;\n',
			'src/lib/store/S.svelte': "<script>\n\timport X from '../ui/X.svelte';\n</script>\n",
			'src/lib/ui/X.svelte': '<p>x</p>\n'
		});
		expect(r.status).toBe(1);
		expect(r.out).toContain('lib/pki/a.ts (pki) imports lib/cms/b.ts (cms): upward');
		expect(r.out).toContain('lib/cms/b.ts (cms) imports lib/desk/c.ts (desk): upward');
		expect(r.out).toContain('lib/store/S.svelte (store) imports lib/ui/X.svelte (ui): upward');
	});

	test('sideways imports between sibling layers fail unless decided (legacy -> pki, mime -> pki)', () => {
		const r = check({
			'src/lib/pki/limits.ts': 'export const n = 1;\n',
			'src/lib/legacy/guard.ts': "import { n } from '../pki/limits';\nexport const g = n;\n",
			'src/lib/mime/m.ts': "import { n } from '../pki/limits';\nexport const m = n;\n"
		});
		expect(r.status).toBe(1);
		expect(r.out).toContain('lib/legacy/guard.ts (legacy) imports lib/pki/limits.ts (pki): sideways between sibling layers');
		expect(r.out).toContain('lib/mime/m.ts (mime) imports lib/pki/limits.ts (pki): sideways between sibling layers');
	});

	test('a circle fails, type-only imports included', () => {
		const r = check({
			'src/lib/desk/a.ts': "import type { B } from './b';\nexport type A = B[];\n",
			'src/lib/desk/b.ts': "import { c } from './c';\nexport type B = typeof c;\n",
			'src/lib/desk/c.ts': "import type { A } from './a';\nexport const c: A | null = null;\n"
		});
		expect(r.status).toBe(1);
		expect(r.out).toContain('import circle among lib/desk/a.ts, lib/desk/b.ts, lib/desk/c.ts; for example lib/desk/a.ts -> lib/desk/b.ts -> lib/desk/c.ts -> lib/desk/a.ts');
	});

	test('library policy: whole node-forge, forge outside legacy, reflect-metadata, Svelte and idb in the pure layers', () => {
		const r = check({
			'src/lib/legacy/a.ts': "import forge from 'node-forge';\nexport const a = forge;\n",
			'src/lib/cms/b.ts': "import 'node-forge/lib/des.js';\n",
			'src/lib/desk/worker.ts': "import 'reflect-metadata';\n",
			'src/lib/smime/c.ts': "import { tick } from 'svelte';\nexport const c = tick;\n",
			'src/lib/mime/d.ts': "import { openDB } from 'idb';\nexport const d = openDB;\n"
		});
		expect(r.status).toBe(1);
		expect(r.out).toContain('lib/legacy/a.ts imports "node-forge": node-forge only by submodule');
		expect(r.out).toContain('lib/cms/b.ts imports "node-forge/lib/des.js": node-forge only by submodule');
		expect(r.out).toContain('lib/desk/worker.ts imports "reflect-metadata": benchmark and test dependency');
		expect(r.out).toContain('lib/smime/c.ts imports "svelte": Svelte and SvelteKit belong to ui/ and routes/');
		expect(r.out).toContain('lib/mime/d.ts imports "idb": IndexedDB belongs to store/');
	});

	test('a folder outside the layer order and an import of a missing file fail', () => {
		const r = check({
			'src/lib/extra/x.ts': "import { y } from './missing';\nexport const x = y;\n"
		});
		expect(r.status).toBe(1);
		expect(r.out).toContain('lib/extra/x.ts: not in any layer');
		expect(r.out).toContain('lib/extra/x.ts imports "./missing", which is not a file');
	});
});
