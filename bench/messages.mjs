// Message operations side by side: our desk (compose and receive, timed inside the page, the
// work done in the desk worker) against `openssl cms` on files in /dev/shm, on the same
// inputs, alternating ours and openssl's run by run.
//
// Message size N means an N-byte random attachment plus a line of text (the MIME entity is
// about 1.35 N after base64). Our side gets its inputs as Files, as the app does: a dropped
// .eml for receive, a picked file for the attachment. OpenSSL signs and encrypts that entity as built here; our
// compose builds its own entity from the same text and attachment. Our decrypt, verify and
// decrypt+verify receive the very messages openssl made (RSA PKCS#1 v1.5 key transport,
// OpenSSL's default, for the RSA recipient; ECDH for P-256), so both sides read the same bytes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { floorSizes, openFloor } from './floor.mjs';
import { startPeak } from './memory.mjs';
import { attachDeskWorker } from './worker-cdp.mjs';

export const OPERATIONS = ['sign', 'encrypt', 'sign+encrypt', 'decrypt', 'verify', 'decrypt+verify'];

const KB = 1024;
const MB = 1024 * 1024;

/** The inputs directory: RAM-backed where there is one, as the issue asks of openssl's side. */
export function inputsDir() {
	const base = existsSync('/dev/shm') ? '/dev/shm' : join(import.meta.dirname, '..', 'bench-results');
	const dir = join(base, `sealdesk-bench-${process.pid}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

/**
 * Sizes in the full run; the quick run (under a minute with the build) does 1 MB only; `only`
 * (labels such as '10 MB') picks some.
 */
export function messageSizes(quick, only = null) {
	const all = [
		{ label: '10 KB', bytes: 10 * KB },
		{ label: '1 MB', bytes: MB },
		{ label: '10 MB', bytes: 10 * MB },
		{ label: '25 MB', bytes: 25 * MB }
	];
	if (only) return all.filter((s) => only.includes(s.label));
	return quick ? all.slice(1, 2) : all;
}

/** The two key types: who sends, who receives, and which fixture keys openssl uses. */
export function keyTypes(pki) {
	return [
		{ label: 'RSA-2048', from: 'alice', to: 'bob' },
		{ label: 'P-256', from: 'carol', to: 'carol' }
	].map((k) => ({ ...k, fromCert: join(pki, `${k.from}.pem`), fromKey: join(pki, `${k.from}.key`), toCert: join(pki, `${k.to}.pem`), toKey: join(pki, `${k.to}.key`) }));
}

function base64Lines(bytes) {
	const b64 = Buffer.from(bytes).toString('base64');
	const lines = [];
	for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
	return lines.join('\r\n');
}

const TEXT = 'Please find the requested file attached.';

/** The MIME entity openssl signs and encrypts: the same text and attachment our compose gets. */
function entity(attachment) {
	return Buffer.from(
		'Content-Type: multipart/mixed; boundary="sealdesk-bench"\r\n\r\n' +
			'--sealdesk-bench\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
			`${TEXT}\r\n` +
			'--sealdesk-bench\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Transfer-Encoding: base64\r\n' +
			'Content-Disposition: attachment; filename="data.bin"\r\n\r\n' +
			`${base64Lines(attachment)}\r\n--sealdesk-bench--\r\n`
	);
}

function openssl(args) {
	const started = process.hrtime.bigint();
	execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
	return Number(process.hrtime.bigint() - started) / 1e6;
}

/** OpenSSL's side of each operation, on files in `dir`; returns milliseconds. */
function opensslCommands(dir, key, pki) {
	const f = (name) => join(dir, name);
	const headers = ['-from', `${key.from}@sealdesk.test`, '-to', `${key.to}@sealdesk.test`, '-subject', 'Bench'];
	const sign = (input, output) =>
		openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-in', input, '-signer', key.fromCert, '-inkey', key.fromKey, '-certfile', join(pki, 'inter-ca.pem'), ...headers, '-out', output]);
	const encrypt = (input, output) => openssl(['cms', '-encrypt', '-binary', '-aes-256-cbc', '-in', input, ...headers, '-out', output, key.toCert, key.fromCert]);
	const decrypt = (input, output) => openssl(['cms', '-decrypt', '-binary', '-in', input, '-recip', key.toCert, '-inkey', key.toKey, '-out', output]);
	const verify = (input, output) => openssl(['cms', '-verify', '-binary', '-in', input, '-CAfile', join(pki, 'root-ca.pem'), '-out', output]);
	return {
		/** Makes the messages the reading operations start from. */
		prepare() {
			sign(f('entity.mime'), f('signed.eml'));
			encrypt(f('entity.mime'), f('encrypted.eml'));
			encrypt(f('signed.eml'), f('signed-encrypted.eml'));
		},
		sign: () => sign(f('entity.mime'), f('o-signed.eml')),
		encrypt: () => encrypt(f('entity.mime'), f('o-encrypted.eml')),
		'sign+encrypt': () => sign(f('entity.mime'), f('o-se1.eml')) + encrypt(f('o-se1.eml'), f('o-se2.eml')),
		decrypt: () => decrypt(f('encrypted.eml'), f('o-plain.mime')),
		verify: () => verify(f('signed.eml'), f('o-verified.mime')),
		'decrypt+verify': () => decrypt(f('signed-encrypted.eml'), f('o-dv1.eml')) + verify(f('o-dv1.eml'), f('o-dv2.mime'))
	};
}

/**
 * Writes the attachment, openssl's entity and the messages the reading operations start from.
 * @returns openssl's side of each operation
 */
export function prepareInputs(dir, key, pki, attachment) {
	writeFileSync(join(dir, 'attachment.bin'), attachment);
	writeFileSync(join(dir, 'entity.mime'), entity(attachment));
	const cmd = opensslCommands(dir, key, pki);
	cmd.prepare();
	return cmd;
}

/** Our side: one operation through window.sealdesk, timed inside the page; returns milliseconds. */
export function runOurs(page, op, key) {
	return page.evaluate(
		async ({ op, from, to, text }) => {
			const desk = window.sealdesk;
			const inputs = window.__sealdeskBench;
			const compose = (sign, encrypt) =>
				desk.compose({ from, to, subject: 'Bench', text, attachments: [{ filename: 'data.bin', data: inputs.attachment }], sign, encrypt });
			const receive = (name) => desk.receive(inputs[name]);
			const started = performance.now();
			let check;
			if (op === 'sign') check = await compose(true, false);
			else if (op === 'encrypt') check = await compose(false, true);
			else if (op === 'sign+encrypt') check = await compose(true, true);
			else if (op === 'decrypt') check = await receive('encrypted');
			else if (op === 'verify') check = await receive('signed');
			else check = await receive('signedEncrypted');
			const ms = performance.now() - started;
			// The run counts only if the operation did what it says.
			const fine = op.startsWith('sign') || op === 'encrypt'
				? check.signed === op.includes('sign') && check.encrypted === op.includes('encrypt')
				: (op === 'verify' || check.security.encryption.status === 'decrypted') && (op === 'decrypt' || check.security.sign.status === 'valid');
			if (!fine) throw new Error(`${op} did not succeed: ${JSON.stringify(check.security ?? { signed: check.signed, encrypted: check.encrypted })}`);
			return ms;
		},
		{ op, from: `${key.from}@sealdesk.test`, to: `${key.to}@sealdesk.test`, text: TEXT }
	);
}

/** Fetches the inputs into the page as Files (the attachment and the three mails openssl made). */
export function loadInputs(page) {
	return page.evaluate(async () => {
		const get = async (name) => new File([await (await fetch(`/__bench/${name}`)).blob()], name);
		window.__sealdeskBench = {
			attachment: await get('attachment.bin'),
			signed: await get('signed.eml'),
			encrypted: await get('encrypted.eml'),
			signedEncrypted: await get('signed-encrypted.eml')
		};
	});
}

/** A fresh profile with S/MIME on, the test PKI trusted and both parties' keys imported. */
export async function openDeskPage(browser, origin, pki) {
	const context = await browser.newContext({ serviceWorkers: 'block' });
	const page = await context.newPage();
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => 'sealdesk' in window);
	const pem = (name) => readFileSync(join(pki, name), 'utf8');
	const files = [pem('chain.pem'), ...['alice', 'bob', 'carol'].map((n) => pem(`${n}.pem`) + pem(`${n}.key`))];
	await page.evaluate(async (files) => {
		const desk = window.sealdesk;
		await desk.setEnabled(true);
		for (const [i, data] of files.entries()) await desk.importFile({ name: `bench-${i}.pem`, data });
	}, files);
	return { context, page };
}

/**
 * Runs every operation for every key type and size: ours, openssl's and the browser's floor
 * (see floor.mjs), rotating which goes first.
 * @returns {Promise<Array<{ key: string, size: string, bytes: number, op: string, ours: number[], stored: number[], openssl: number[], floor: number[], peak: number | null }>>}
 *   (`stored`: of `ours`, the desk's IndexedDB transaction storing the article)
 */
export async function benchMessages({ browser, origin, dir, pki, quick, runs, sizes = null }) {
	const rows = [];
	// Playwright launches Chromium as a child of this process; its renderers are under us.
	const rootPid = process.pid;
	for (const key of keyTypes(pki)) {
		for (const size of messageSizes(quick, sizes)) {
			const cmd = prepareInputs(dir, key, pki, randomBytes(size.bytes));
			const { context, page } = await openDeskPage(browser, origin, pki);
			const floor = await openFloor(browser, origin, floorSizes(dir));
			try {
				await loadInputs(page);
				const worker = await attachDeskWorker(page);
				const table = new Map(
					OPERATIONS.map((op) => [op, { key: key.label, size: size.label, bytes: size.bytes, op, ours: [], stored: [], openssl: [], floor: [], peak: null }])
				);
				const sides = ['ours', 'openssl', 'floor'];
				// One unmeasured round first: the page's first operation also loads and compiles the
				// crypto code, which is not a cost of the message.
				for (const op of OPERATIONS) await runOurs(page, op, key);
				for (let run = 0; run < runs; run++) {
					for (const op of OPERATIONS) {
						const row = table.get(op);
						// Rotate which side goes first, so none always meets a warm cache.
						for (const side of [...sides.slice(run % 3), ...sides.slice(0, run % 3)]) {
							if (side === 'openssl') {
								row.openssl.push(cmd[op]());
							} else if (side === 'floor') {
								row.floor.push(await floor.run(op));
							} else {
								const meter = startPeak(rootPid);
								row.ours.push(await runOurs(page, op, key));
								row.stored.push((await worker.measure('sealdesk:store')) ?? Number.NaN);
								const peak = meter.peak();
								if (peak !== null) row.peak = Math.max(row.peak ?? 0, peak);
							}
						}
					}
				}
				rows.push(...table.values());
			} finally {
				await context.close();
				await floor.close();
			}
			process.stdout.write(`  ${key.label} ${size.label} done\n`);
		}
	}
	rmSync(dir, { recursive: true, force: true });
	return rows;
}
