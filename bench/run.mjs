// Sealdesk benchmarks: our engine in headless Chromium on the production build.
// Usage: npm run bench [-- --quick]
// Prints a table of medians and writes bench-results/latest.json. Not part of npm test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from '../scripts/chromium.mjs';
import { serveBuild } from '../scripts/serve-build.mjs';
import { certificateBundle } from './certificates.mjs';

const quick = process.argv.includes('--quick');
const root = join(import.meta.dirname, '..');
const runs = quick ? 1 : 5;

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Opens the app in a fresh profile (an empty database) and waits for the desk handle. */
async function freshPage(browser, origin) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => 'sealdesk' in window);
	return { context, page };
}

async function importBundle(browser, origin, pem) {
	const { context, page } = await freshPage(browser, origin);
	try {
		return await page.evaluate(async (data) => {
			const desk = window.sealdesk;
			await desk.setEnabled(true);
			const started = performance.now();
			const summary = await desk.importFile({ name: 'bundle.pem', data });
			const ms = performance.now() - started;
			const listed = performance.now();
			const all = await desk.listCertificates();
			return { ms, imported: summary.certificates.length, listMs: performance.now() - listed, listed: all.length };
		}, pem);
	} finally {
		await context.close();
	}
}

const results = [];
const host = await serveBuild(join(root, 'build'));
const browser = await chromium.launch({ executablePath: systemChromium(), args: QUIET_ARGS });
try {
	const count = quick ? 100 : 1000;
	const pem = await certificateBundle(count);
	const samples = [];
	for (let i = 0; i < runs; i++) {
		const run = await importBundle(browser, host.origin, pem);
		if (run.imported !== count || run.listed !== count) throw new Error(`imported ${run.imported}, listed ${run.listed} of ${count}`);
		samples.push(run);
	}
	results.push({ name: `import ${count} certificates (one PEM bundle)`, ms: median(samples.map((s) => s.ms)), target: count === 1000 ? 5000 : undefined });
	results.push({ name: `list ${count} certificates`, ms: median(samples.map((s) => s.listMs)) });
} finally {
	await browser.close();
	host.server.close();
}

console.log(`\nSealdesk benchmarks${quick ? ' (quick)' : ''}: median of ${runs} run(s), headless Chromium\n`);
console.log('| operation | median | target |');
console.log('|---|---|---|');
for (const r of results) {
	console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${r.target ? `< ${r.target / 1000} s ${r.ms < r.target ? '(met)' : '(MISSED)'}` : ''} |`);
}
await mkdir(join(root, 'bench-results'), { recursive: true });
await writeFile(join(root, 'bench-results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), quick, results }, null, 2));
