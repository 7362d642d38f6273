// The mailbox benchmark: the initial sync of a mailbox of mixed mail (plain, signed, encrypted,
// both; 20-200 KB) from a local throwaway Cyrus (scripts/mailserver.mjs) into the app in headless
// Chromium, through the bench host's /jmap proxy, in mails per second; beside it, an
// `openssl cms` loop over the same mails (verify and/or decrypt, one process per mail, inputs in
// /dev/shm) as the reference. Also the longest main-thread task seen during the sync.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deliverLmtp, startMailServer } from '../scripts/mailserver.mjs';

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
		const ours = await page.evaluate(async (files) => {
			const desk = window.sealdesk;
			await desk.setEnabled(true);
			for (const file of files) await desk.importFile(file);
			const longest = { ms: 0 };
			const observer = new PerformanceObserver((list) => {
				for (const entry of list.getEntries()) longest.ms = Math.max(longest.ms, entry.duration);
			});
			observer.observe({ type: 'longtask', buffered: false });
			const account = await desk.connectMailbox({ sessionUrl: '/jmap', username: 'bob', password: 'bob-password' });
			const started = performance.now();
			const [result] = await desk.syncMailbox(account.id);
			const ms = performance.now() - started;
			observer.disconnect();
			const tickets = (await desk.listTickets()).length;
			return { ms, stored: result.stored, tickets, longestTask: longest.ms };
		}, files);
		await context.close();
		if (ours.stored !== count) throw new Error(`the sync stored ${ours.stored} of ${count}`);

		const opensslStarted = performance.now();
		for (const mail of mails) opensslRead(shm, pki, mail.kind, mail.raw);
		const opensslMs = performance.now() - opensslStarted;
		return { count, bytes, oursMs: ours.ms, opensslMs, longestTask: ours.longestTask, tickets: ours.tickets };
	} finally {
		setUpstream(null);
		await server.stop();
		rmSync(work, { recursive: true, force: true });
		rmSync(shm, { recursive: true, force: true });
	}
}
