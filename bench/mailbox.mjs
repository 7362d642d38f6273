// The mailbox benchmark: the initial sync of a mailbox of mixed mail (plain, signed, encrypted,
// both; 20-200 KB) from a local throwaway Cyrus (scripts/mailserver.mjs) into the app in headless
// Chromium, through the bench host's /jmap proxy, in mails per second; beside it, an
// `openssl cms` loop over the same mails (verify and/or decrypt, one process per mail, inputs in
// /dev/shm) as the reference. Also the longest main-thread task seen during the sync, and the
// JS heap of the desk worker (where the sync runs) and of the page, each after a forced garbage
// collection, at every quarter of the mailbox: memory must stay flat in the number of mails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deliverLmtp, startMailServer } from '../scripts/mailserver.mjs';
import { attachDeskWorker } from './worker-cdp.mjs';

const KINDS = ['plain', 'signed', 'encrypted', 'signed+encrypted'];

/** One mail of `kind` of about `size` bytes (text plus a base64 attachment), CRLF. */
function makeMail(dir, pki, kind, index, size) {
	const boundary = `b${index}`;
	const attachment = randomBytes(Math.max(0, Math.floor((size - 2000) * 0.74))).toString('base64').replace(/.{76}/g, '$&\r\n');
	const entity = [
		`Content-Type: multipart/mixed; boundary="${boundary}"`,
		'',
		`--${boundary}`,
		'Content-Type: text/plain; charset=utf-8',
		'',
		`Mail ${index}: my printer is broken again.`,
		`--${boundary}`,
		'Content-Type: application/octet-stream; name="log.bin"',
		'Content-Transfer-Encoding: base64',
		'Content-Disposition: attachment; filename="log.bin"',
		'',
		attachment,
		`--${boundary}--`,
		''
	].join('\r\n');
	const input = join(dir, `in-${index}.txt`);
	writeFileSync(input, entity);
	let part = entity;
	let file = input;
	if (kind.includes('signed')) {
		const out = join(dir, `s-${index}.eml`);
		execFileSync('openssl', ['cms', '-sign', '-in', file, '-signer', join(pki, 'alice.pem'), '-inkey', join(pki, 'alice.key'), '-md', 'sha256', '-out', out]);
		file = out;
	}
	if (kind.includes('encrypted')) {
		const out = join(dir, `e-${index}.eml`);
		execFileSync('openssl', ['cms', '-encrypt', '-in', file, '-aes-256-cbc', '-out', out, join(pki, 'bob.pem')]);
		file = out;
	}
	if (file !== input) part = readFileSync(file, 'latin1').replace(/\r?\n/g, '\r\n').replace(/^MIME-Version: 1.0\r\n/m, '');
	const headers = `From: alice@sealdesk.test\r\nTo: bob@sealdesk.test\r\nSubject: Bench ${index} (${kind})\r\nMessage-ID: <bench-${index}@sealdesk.test>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n`;
	return Buffer.from(headers + part, 'latin1');
}

/** openssl's work on one mail as an agent's client would do it: decrypt, then verify. */
function opensslRead(shm, pki, kind, raw) {
	const input = join(shm, 'mail.eml');
	writeFileSync(input, raw);
	let file = input;
	if (kind.includes('encrypted')) {
		const out = join(shm, 'dec.eml');
		execFileSync('openssl', ['cms', '-decrypt', '-in', file, '-recip', join(pki, 'bob.pem'), '-inkey', join(pki, 'bob.key'), '-out', out]);
		file = out;
	}
	if (kind.includes('signed')) execFileSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', join(pki, 'chain.pem'), '-out', '/dev/null'], { stdio: 'ignore' });
}

/**
 * The page's main-thread tasks between the sync's marks in a Chromium trace: the longest by wall
 * time and by thread time, and how many took over 50 ms of each.
 */
function mainThreadTasks(trace) {
	const events = Array.isArray(trace) ? trace : trace.traceEvents;
	const mark = (name) => events.find((e) => e.name === name && e.cat === 'blink.user_timing');
	const start = mark('sealdesk-sync-start');
	const end = mark('sealdesk-sync-end');
	if (!start || !end) return null;
	const tasks = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.name === 'RunTask' && e.ts >= start.ts && e.ts + e.dur <= end.ts);
	const ms = (us) => us / 1000;
	return {
		tasks: tasks.length,
		longestWall: ms(Math.max(0, ...tasks.map((t) => t.dur))),
		longestThread: ms(Math.max(0, ...tasks.map((t) => t.tdur ?? 0))),
		wallOver50: tasks.filter((t) => t.dur > 50_000).length,
		threadOver50: tasks.filter((t) => (t.tdur ?? 0) > 50_000).length,
		threadTotal: ms(tasks.reduce((n, t) => n + (t.tdur ?? 0), 0))
	};
}

/**
 * Runs the mailbox benchmark.
 * @param {{ browser: import('@playwright/test').Browser, origin: string, setUpstream(url: string | null): void, pki: string, count: number }} o
 */
export async function benchMailbox({ browser, origin, setUpstream, pki, count }) {
	const server = await startMailServer({ users: { bob: 'bob-password' } });
	const work = mkdtempSync(join(tmpdir(), 'sealdesk-bench-mail-'));
	const shm = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'sealdesk-bench-openssl-'));
	try {
		setUpstream(server.origin);
		const mails = [];
		for (let i = 0; i < count; i++) {
			const kind = KINDS[i % KINDS.length];
			const size = 20_000 + Math.floor(((i * 7919) % 1000) / 1000 * 180_000);
			const raw = makeMail(work, pki, kind, i, size);
			mails.push({ kind, raw });
			const results = await deliverLmtp(server.lmtpSocket, 'alice@sealdesk.test', ['bob'], raw);
			if (results.some((r) => r.code !== 250)) throw new Error(`LMTP refused mail ${i}`);
		}
		const bytes = mails.reduce((n, m) => n + m.raw.length, 0);

		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${origin}/`);
		await page.waitForFunction(() => 'sealdesk' in window);
		const files = ['chain.pem', 'alice.pem', 'bob.pem', 'bob.key'].map((name) => ({ name, data: readFileSync(join(pki, name), 'latin1') }));
		await page.evaluate(async (files) => {
			const desk = window.sealdesk;
			await desk.setEnabled(true);
			for (const file of files) await desk.importFile(file);
		}, files);
		// Heap probes: a forced collection, then the used JS heap, in the worker and in the page.
		const worker = await attachDeskWorker(page);
		const pageCdp = await context.newCDPSession(page);
		const heaps = async () => {
			const started = performance.now();
			await worker.send('HeapProfiler.collectGarbage');
			const gcMs = performance.now() - started;
			const workerHeap = (await worker.send('Runtime.getHeapUsage'))?.usedSize ?? null;
			await pageCdp.send('HeapProfiler.collectGarbage');
			const pageHeap = (await pageCdp.send('Runtime.getHeapUsage')).usedSize;
			return { workerHeap, pageHeap, gcMs };
		};
		const memory = [{ mails: 0, ...(await heaps()) }];
		// A trace of the sync: a long task's wall time counts the time its thread waited for a core
		// (other jobs on a busy machine); its thread time (tdur) is the main thread's own work.
		await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'blink.user_timing'] });
		const running = page.evaluate(async () => {
			const desk = window.sealdesk;
			const longest = { ms: 0, over50: 0 };
			const observer = new PerformanceObserver((list) => {
				for (const entry of list.getEntries()) {
					longest.ms = Math.max(longest.ms, entry.duration);
					if (entry.duration > 50) longest.over50++;
				}
			});
			observer.observe({ type: 'longtask', buffered: false });
			const account = await desk.connectMailbox({ sessionUrl: '/jmap', username: 'bob', password: 'bob-password' });
			performance.mark('sealdesk-sync-start');
			const started = performance.now();
			const [result] = await desk.syncMailbox(account.id);
			const ms = performance.now() - started;
			performance.mark('sealdesk-sync-end');
			observer.disconnect();
			const tickets = (await desk.listTickets()).length;
			return { ms, stored: result.stored, tickets, longestTask: longest.ms, longTasksOver50: longest.over50 };
		});
		// Quarters of the mailbox: when the sync has stored that many, probe the heaps (the probe's
		// collection in the worker pauses the sync; its time is reported and taken out of the sync's).
		const checkpoints = [1, 2, 3].map((q) => Math.round((count * q) / 4));
		let finished = false;
		void running.then(
			() => (finished = true),
			() => (finished = true)
		);
		while (!finished && checkpoints.length > 0) {
			const done = await page.evaluate(async () => (await window.sealdesk.mailboxProgress())[0]?.done ?? 0);
			if (done >= checkpoints[0]) {
				checkpoints.shift();
				memory.push({ mails: done, ...(await heaps()) });
			} else await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const ours = await running;
		const mainThread = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString('utf8')));
		memory.push({ mails: ours.stored, ...(await heaps()) });
		const probeMs = memory.slice(1, -1).reduce((n, m) => n + m.gcMs, 0);
		await context.close();
		if (ours.stored !== count) throw new Error(`the sync stored ${ours.stored} of ${count}`);

		const opensslStarted = performance.now();
		for (const mail of mails) opensslRead(shm, pki, mail.kind, mail.raw);
		const opensslMs = performance.now() - opensslStarted;
		return { count, bytes, oursMs: ours.ms - probeMs, probeMs, opensslMs, longestTask: ours.longestTask, longTasksOver50: ours.longTasksOver50, mainThread, tickets: ours.tickets, memory };
	} finally {
		setUpstream(null);
		await server.stop();
		rmSync(work, { recursive: true, force: true });
		rmSync(shm, { recursive: true, force: true });
	}
}
