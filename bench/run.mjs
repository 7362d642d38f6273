// Sealdesk benchmarks: our engine in headless Chromium on the production build, side by side
// with `openssl cms` on the same inputs.
// Usage: npm run bench [-- --quick] [-- --only=certificates,ui,tickets,load,messages,mailbox] [-- --runs=N (message runs)] [-- --mails=N (mailbox size)]
//        [-- --sizes=10KB,1MB,10MB,25MB (message sizes)]
// Prints a table of medians and writes bench-results/latest.json. Not part of npm test.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from '../scripts/chromium.mjs';
import { certificateBundle } from './certificates.mjs';
import { benchFirstLoad } from './first-load.mjs';
import { benchMessages, inputsDir } from './messages.mjs';
import { serveBench } from './serve.mjs';
import { benchUi } from './ui.mjs';
import { benchMailbox } from './mailbox.mjs';
import { cyrusInstalled } from '../scripts/mailserver.mjs';
import { benchTickets } from './tickets.mjs';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const wanted = (part) => !only || only.has(part);
const root = join(import.meta.dirname, '..');
const pki = join(root, 'tests', 'fixtures', 'pki');
const runs = quick ? 1 : 5;
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const sizes = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map((s) => s.replace(/(\d)([KM]B)$/i, '$1 $2').toUpperCase()) : null;
const mailsArg = process.argv.find((a) => a.startsWith('--mails='));
// The mailbox part syncs 1,000 mails (100 with --quick); --mails=N sets another count.
const mailCount = mailsArg ? Number(mailsArg.slice('--mails='.length)) : quick ? 100 : 1000;
const messageRuns = runsArg ? Number(runsArg.slice('--runs='.length)) : quick ? 1 : 3;

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => (ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

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
let messages = [];
let load = null;
let ui = [];
let mailbox = null;
let ticketsUi = [];
const inputs = inputsDir();
const host = await serveBench(join(root, 'build'), inputs);
const browser = await chromium.launch({ executablePath: systemChromium(), args: QUIET_ARGS });
const browserVersion = browser.version();
try {
	if (wanted('certificates')) {
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
	}
	if (wanted('ui')) ui = await benchUi({ browser, origin: host.origin, certificates: quick ? 200 : 10_000, logs: quick ? 10_000 : 100_000 });
	if (wanted('tickets')) ticketsUi = await benchTickets({ browser, origin: host.origin, count: quick ? 2000 : 10_000 });
	if (wanted('load')) load = await benchFirstLoad({ browser, origin: host.origin, runs: quick ? 1 : 3, quick });
	if (wanted('mailbox')) {
		if (cyrusInstalled()) mailbox = await benchMailbox({ browser, origin: host.origin, setUpstream: host.setUpstream, pki, count: mailCount });
		else console.log('mailbox: skipped, Cyrus is not installed (run .ci/run or apt-get install cyrus-imapd cyrus-caldav sasl2-bin)');
	}
	if (wanted('messages')) messages = await benchMessages({ browser, origin: host.origin, dir: inputs, pki, quick, runs: messageRuns, sizes });
} finally {
	await browser.close();
	host.server.close();
	await rm(inputs, { recursive: true, force: true });
}

const machine = `${cpus().length}-core ${process.arch}, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, Chromium ${browserVersion}`;
console.log(`\nSealdesk benchmarks${quick ? ' (quick)' : ''}, headless Chromium on the production build`);
console.log(`Machine: ${machine}\n`);
if (results.length) {
	console.log(`Median of ${runs} run(s):\n`);
	console.log('| operation | median | target |');
	console.log('|---|---|---|');
	for (const r of results) {
		console.log(`| ${r.name} | ${seconds(r.ms)} | ${r.target ? `< ${r.target / 1000} s ${r.ms < r.target ? '(met)' : '(MISSED)'}` : ''} |`);
	}
}
if (ui.length) {
	console.log('\nUI operations on /admin/smime (one run; from the action to the frame after the DOM shows the result):\n');
	console.log('| operation | time | target |');
	console.log('|---|---|---|');
	for (const r of ui) console.log(`| ${r.name} | ${seconds(r.ms)} | ${r.target ? `< ${r.target} ms ${r.ms < r.target ? '(met)' : '(MISSED)'}` : ''} |`);
}
if (ticketsUi.length) {
	console.log('\nThe tickets list (one run; in the page, from the action to the frame after the DOM shows the result):\n');
	console.log('| operation | time | target |');
	console.log('|---|---|---|');
	for (const r of ticketsUi) console.log(`| ${r.name} | ${seconds(r.ms)} | ${r.target ? `< ${r.target} ms ${r.ms < r.target ? '(met)' : '(MISSED)'}` : ''} |`);
}
if (load) {
	console.log('\nFirst load (JS is gzip -9 of every script the page fetched, the desk worker listed apart):\n');
	console.log('| page | page JS gzipped | worker JS gzipped | usable, cold | usable, from the service worker |');
	console.log('|---|---|---|---|---|');
	for (const p of load.pages) {
		console.log(`| ${p.path} | ${(p.pageJs / 1024).toFixed(1)} KB${p.path === '/' ? (p.pageJs < 100 * 1024 ? ' (met < 100 KB)' : ' (MISSED < 100 KB)') : ''} | ${(p.workerJs / 1024).toFixed(1)} KB | ${seconds(p.coldMs)} | ${seconds(p.swMs)} |`);
	}
}
if (messages.length) {
	console.log(
		`\nMessage operations, median of ${messageRuns} run(s) each side, rotating which side goes first; ratio = ours / openssl; storing = of ours, the IndexedDB transaction that stores the article (openssl stores nothing); floor = the browser's own unavoidable work for the operation (reading the file, WebCrypto over the content, the stored Blob and its IndexedDB write; see bench/floor.mjs), timed in a bare worker; peak = renderer memory above its level before the operation, the highest of the runs (after one unmeasured round of ours):\n`
	);
	console.log('| key | size | operation | ours | of which storing | openssl cms | ratio | floor | floor / openssl | peak memory | peak / size |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|');
	for (const m of messages) {
		const o = median(m.ours);
		const s = median(m.openssl);
		const f = median(m.floor);
		const big = m.bytes >= 10 * 1024 * 1024;
		const ratio = o / s;
		const peakRatio = m.peak === null ? null : m.peak / m.bytes;
		// A floor above the target means no browser implementation can meet it on this machine.
		const floorNote = big && f / s > 1.5 ? ' (floor above 1.5×)' : '';
		console.log(
			`| ${m.key} | ${m.size} | ${m.op} | ${seconds(o)} | ${seconds(median(m.stored))} | ${seconds(s)} | ${ratio.toFixed(2)}×${big ? (ratio <= 1.5 ? '' : ' (MISSED ≤ 1.5×)') : ''} | ${seconds(f)} | ${(f / s).toFixed(2)}×${floorNote} | ${m.peak === null ? 'n/a' : megabytes(m.peak)} | ${peakRatio === null ? '' : `${peakRatio.toFixed(1)}×${big ? (peakRatio < 4 ? '' : ' (MISSED < 4×)') : ''}`} |`
		);
	}
}
if (mailbox) {
	const perSecond = (ms) => (mailbox.count / (ms / 1000)).toFixed(1);
	console.log(`\nMailbox: initial sync of ${mailbox.count} mixed mails (plain, signed, encrypted, both; 20-200 KB, ${megabytes(mailbox.bytes)}) from a local Cyrus through /jmap, one run:\n`);
	console.log('| | time | mails/s | target |');
	console.log('|---|---|---|---|');
	const ratio = mailbox.oursMs / mailbox.opensslMs;
	console.log(`| Sealdesk sync (download, verify/decrypt, store) | ${seconds(mailbox.oursMs)} | ${perSecond(mailbox.oursMs)} | within 2× of openssl: ${ratio.toFixed(2)}× ${ratio <= 2 ? '(met)' : '(MISSED)'} |`);
	console.log(`| openssl cms loop (decrypt/verify, one process per mail) | ${seconds(mailbox.opensslMs)} | ${perSecond(mailbox.opensslMs)} | |`);
	console.log(`| longest main-thread task during the sync | ${seconds(mailbox.longestTask)} (${mailbox.longTasksOver50} over 50 ms) | | < 50 ms ${mailbox.longestTask < 50 ? '(met)' : '(MISSED)'} |`);
	const t = mailbox.mainThread;
	if (t) console.log(`| longest main-thread task by thread time (traced: the page's own work, without waiting for a core) | ${seconds(t.longestThread)} (${t.threadOver50} over 50 ms; ${t.tasks} tasks, ${seconds(t.threadTotal)} in all; longest by wall time ${seconds(t.longestWall)}, ${t.wallOver50} over 50 ms) | | < 50 ms ${t.longestThread < 50 ? '(met)' : '(MISSED)'} |`);
	console.log(`\n(The sync's time leaves out the ${seconds(mailbox.probeMs)} of forced collections in the worker for the heap probes below.)\n`);
	console.log('| mails stored | desk worker JS heap | page JS heap |');
	console.log('|---|---|---|');
	for (const m of mailbox.memory) console.log(`| ${m.mails} | ${m.workerHeap === null ? 'n/a' : megabytes(m.workerHeap)} | ${megabytes(m.pageHeap)} |`);
	const first = mailbox.memory.find((m) => m.mails > 0);
	const last = mailbox.memory[mailbox.memory.length - 1];
	if (first && last && first !== last && first.workerHeap !== null && last.workerHeap !== null) {
		const perMail = (last.workerHeap + last.pageHeap - first.workerHeap - first.pageHeap) / (last.mails - first.mails);
		console.log(`\nHeap growth from ${first.mails} to ${last.mails} mails: ${(perMail / 1024).toFixed(2)} KB per mail (worker + page) against ${(mailbox.bytes / mailbox.count / 1024).toFixed(0)} KB per mail synced.`);
	}
}
await mkdir(join(root, 'bench-results'), { recursive: true });
await writeFile(join(root, 'bench-results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), quick, machine, results, ui, tickets: ticketsUi, load, messages, mailbox }, null, 2));
