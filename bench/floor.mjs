// The browser's floor for each message operation: the work any in-browser implementation must
// do on this machine whatever its own code, timed in a bare worker in the same browser on the
// same input Files. It is made of platform calls only:
// - reading the input File (`arrayBuffer()`, as the app gets a dropped mail or a picked file);
// - WebCrypto over the content: SHA-256 of the signed entity, AES-256-CBC (256 KB slices, as
//   ours, each output released once copied, as ours: see src/lib/base/memory.ts) over what is
//   encrypted or decrypted;
// - storing the article: a Blob of what must be kept (the sent message; for received mail the
//   decoded attachment, the mail File itself being stored as is) and one IndexedDB transaction
//   writing it with the File.
// It leaves out everything an implementation chooses: MIME and CMS parsing and writing, base64,
// the RSA or ECDH key operation, display. So ours minus the floor is our own overhead, and a
// floor above 1.5x openssl's time means that target cannot be met in a browser on this machine.
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The worker: steps named by operation, each timed from its first read to the committed store. */
const WORKER = `
const open = () => new Promise((resolve, reject) => {
	const r = indexedDB.open('sealdesk-floor', 1);
	r.onupgradeneeded = () => r.result.createObjectStore('articles', { autoIncrement: true });
	r.onsuccess = () => resolve(r.result);
	r.onerror = () => reject(r.error);
});
const SLICE = 256 * 1024;
// Buffers made and touched before timing: the floor counts no allocation of ours, only what the
// platform calls allocate and copy themselves.
let db, key, iv, files, sizes, buf;
// Posting a buffer on a port whose partner is closed frees it now, not at the next collection.
const channel = new MessageChannel();
channel.port2.close();
const release = (buffer) => channel.port1.postMessage(null, [buffer]);
async function aes(mode, bytes) {
	// One WebCrypto call per slice, the output kept in place, as ours. Each slice is a whole
	// CBC message here (for decryption, made so by ciphertext() below): the same calls and copies
	// as chaining them.
	for (let at = 0; at < bytes.length; at += SLICE) {
		const slice = bytes.subarray(at, Math.min(bytes.length, at + SLICE));
		const out = new Uint8Array(await crypto.subtle[mode]({ name: 'AES-CBC', iv }, key, slice));
		bytes.set(out.subarray(0, Math.min(out.length, slice.length)), at);
		release(out.buffer);
	}
}
async function store(file, keep) {
	const kept = new Blob([buf.keep.subarray(0, keep)]);
	await new Promise((resolve, reject) => {
		const tx = db.transaction('articles', 'readwrite');
		tx.objectStore('articles').add({ raw: file, kept });
		tx.oncomplete = resolve;
		tx.onerror = tx.onabort = () => reject(tx.error);
	});
}
const read = async (name) => new Uint8Array(await files[name].arrayBuffer());
const digest = (n) => crypto.subtle.digest('SHA-256', buf.plain.subarray(0, n));
// Ciphertext of about n bytes to decrypt in place, slice by slice (each slice the encryption
// of SLICE - 16 bytes), put back after each run, outside the timing.
async function ciphertext(n) {
	const c = new Uint8Array(n - (n % 16) + 16);
	for (let at = 0; at < c.length; at += SLICE) {
		const size = Math.min(SLICE, c.length - at);
		c.set(new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, new Uint8Array(size - 16))), at);
	}
	return { original: c, work: c.slice() };
}
const ops = {
	async sign() {
		await read('attachment');
		await digest(sizes.entity);
		await store(files.attachment, sizes.signed);
	},
	async encrypt() {
		await read('attachment');
		await aes('encrypt', buf.plain.subarray(0, sizes.entity));
		await store(files.attachment, sizes.encrypted);
	},
	async 'sign+encrypt'() {
		await read('attachment');
		await digest(sizes.entity);
		await aes('encrypt', buf.plain.subarray(0, sizes.signed));
		await store(files.attachment, sizes.signedEncrypted);
	},
	async decrypt() {
		await read('encrypted');
		await aes('decrypt', buf.entity.work);
		await store(files.encrypted, sizes.attachment);
	},
	async verify() {
		await read('signed');
		await digest(sizes.entity);
		await store(files.signed, sizes.attachment);
	},
	async 'decrypt+verify'() {
		await read('signedEncrypted');
		await aes('decrypt', buf.signed.work);
		await digest(sizes.entity);
		await store(files.signedEncrypted, sizes.attachment);
	}
};
onmessage = async ({ data }) => {
	try {
		if (data.files) {
			({ files, sizes } = data);
			db ??= await open();
			key = await crypto.subtle.generateKey({ name: 'AES-CBC', length: 256 }, false, ['encrypt', 'decrypt']);
			iv = crypto.getRandomValues(new Uint8Array(16));
			const most = Math.max(...Object.values(sizes));
			buf = { plain: new Uint8Array(most).fill(1), keep: new Uint8Array(most).fill(2), entity: await ciphertext(sizes.entity), signed: await ciphertext(sizes.signed) };
			postMessage({ ok: true });
			return;
		}
		const started = performance.now();
		await ops[data.op]();
		const ms = performance.now() - started;
		buf.entity.work.set(buf.entity.original);
		buf.signed.work.set(buf.signed.original);
		postMessage({ ms });
	} catch (error) {
		postMessage({ error: String(error) });
	}
};`;

/** The sizes of what each operation reads, hashes, encrypts and keeps, from openssl's files in `dir`. */
export function floorSizes(dir) {
	const size = (name) => statSync(join(dir, name)).size;
	return {
		attachment: size('attachment.bin'),
		entity: size('entity.mime'),
		signed: size('signed.eml'),
		encrypted: size('encrypted.eml'),
		signedEncrypted: size('signed-encrypted.eml')
	};
}

/**
 * A page at the bench origin (no app, no CSP) with the floor worker, given the inputs as Files.
 * @returns {Promise<{ run(op: string): Promise<number>, close(): Promise<void> }>}
 */
export async function openFloor(browser, origin, sizes) {
	const context = await browser.newContext({ serviceWorkers: 'block' });
	const page = await context.newPage();
	await page.goto(`${origin}/__bench/none`);
	const setup = await page.evaluate(
		async ({ code, sizes }) => {
			const get = async (name) => new File([await (await fetch(`/__bench/${name}`)).blob()], name);
			const files = {
				attachment: await get('attachment.bin'),
				signed: await get('signed.eml'),
				encrypted: await get('encrypted.eml'),
				signedEncrypted: await get('signed-encrypted.eml')
			};
			const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
			window.__floor = (message) =>
				new Promise((resolve) => {
					worker.onmessage = (e) => resolve(e.data);
					worker.postMessage(message);
				});
			return window.__floor({ files, sizes });
		},
		{ code: WORKER, sizes }
	);
	if (!setup.ok) throw new Error(`the floor worker did not start: ${setup.error}`);
	return {
		async run(op) {
			const result = await page.evaluate((op) => window.__floor({ op }), op);
			if (result.error) throw new Error(`floor ${op}: ${result.error}`);
			return result.ms;
		},
		close: () => context.close()
	};
}
