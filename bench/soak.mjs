// Soak: one message operation after another in one page, for finding a call that never returns.
// Usage: node bench/soak.mjs [MB] [op,op,...] [runs] [RSA-2048|P-256]   (after `vite build`)
// Every pending WebCrypto call, Blob read, stream read and IndexedDB transaction of the desk
// worker is tracked; when an operation takes more than 30 s, the tracked calls still pending
// are printed (what the worker waits on), then whether the page still answers, and it exits 3.
// Not part of npm test.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from '../scripts/chromium.mjs';
import { inputsDir, keyTypes, loadInputs, openDeskPage, OPERATIONS, prepareInputs, runOurs } from './messages.mjs';
import { serveBench } from './serve.mjs';
import { attachDeskWorker } from './worker-cdp.mjs';

const [mb = '10', opsArg = OPERATIONS.join(','), runsArg = '60', keyLabel = 'RSA-2048'] = process.argv.slice(2);
const root = join(import.meta.dirname, '..');
const pki = join(root, 'tests', 'fixtures', 'pki');
const key = keyTypes(pki).find((k) => k.label === keyLabel);
if (!key) throw new Error(`unknown key type ${keyLabel}`);
const ops = opsArg.split(',');
for (const op of ops) if (!OPERATIONS.includes(op)) throw new Error(`unknown operation ${op}`);

/** Run in the desk worker: wraps the platform calls an operation waits on, keeping the pending ones. */
const TRACK = `(() => {
	const pending = (globalThis.__soakPending = new Map());
	let next = 0;
	const track = (label, promise) => {
		const id = ++next;
		pending.set(id, label + ' since ' + Math.round(performance.now()) + ' ms');
		const done = () => pending.delete(id);
		promise.then(done, done);
	};
	const wrap = (owner, name, label) => {
		const original = owner[name];
		owner[name] = function (...args) {
			const result = original.apply(this, args);
			if (result && typeof result.then === 'function') track(label, result);
			return result;
		};
	};
	for (const m of ['encrypt', 'decrypt', 'digest', 'sign', 'verify', 'importKey', 'deriveBits', 'generateKey', 'exportKey']) wrap(crypto.subtle, m, 'subtle.' + m);
	wrap(Blob.prototype, 'arrayBuffer', 'Blob.arrayBuffer');
	wrap(ReadableStreamBYOBReader.prototype, 'read', 'BYOB read');
	wrap(ReadableStreamDefaultReader.prototype, 'read', 'stream read');
	const transaction = IDBDatabase.prototype.transaction;
	IDBDatabase.prototype.transaction = function (...args) {
		const tx = transaction.apply(this, args);
		track('IndexedDB ' + (args[1] ?? 'readonly') + ' ' + JSON.stringify(args[0]), new Promise((resolve) => {
			for (const e of ['complete', 'abort', 'error']) tx.addEventListener(e, resolve);
		}));
		return tx;
	};
	return true;
})()`;

const dir = inputsDir();
prepareInputs(dir, key, pki, randomBytes(Number(mb) * 1024 * 1024));
const host = await serveBench(join(root, 'build'), dir);
const browser = await chromium.launch({ executablePath: systemChromium(), args: QUIET_ARGS });
const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('no answer'), ms))]);
try {
	const { page } = await openDeskPage(browser, host.origin, pki);
	page.on('pageerror', (e) => console.log('page error:', e));
	await loadInputs(page);
	const worker = await attachDeskWorker(page);
	const tracking = await worker.send('Runtime.evaluate', { expression: TRACK, returnByValue: true });
	if (tracking?.result?.value !== true) throw new Error('the desk worker could not be instrumented');
	for (let i = 0; i < Number(runsArg); i++) {
		const op = ops[i % ops.length];
		const watchdog = setTimeout(async () => {
			console.log(`HANG: ${op} (run ${i}) has not returned after 30 s`);
			const answer = await within(worker.send('Runtime.evaluate', { expression: 'JSON.stringify([...globalThis.__soakPending.values()])', returnByValue: true }), 5000);
			console.log('worker, pending calls:', answer?.result?.value ?? answer);
			console.log('page:', await within(page.evaluate(() => 'answers'), 5000));
			process.exit(3);
		}, 30_000);
		const ms = await runOurs(page, op, key);
		clearTimeout(watchdog);
		console.log(`${String(i).padStart(4)} ${op.padEnd(15)} ${ms.toFixed(0)} ms`);
	}
} finally {
	await browser.close();
	host.server.close();
	rmSync(dir, { recursive: true, force: true });
}
