/**
 * smime/outgoing against golden vectors (issue 17): every combination of sign and encrypt, with
 * and without attachments, byte for byte the message recorded in tests/fixtures/outgoing/.
 *
 * The vectors were recorded once from the code before issue 17, when the message was still
 * compared with a chain of test-only builders in src/lib/mime/build.ts (each layer a new array).
 * Each case records the random bytes the build drew, in the order it drew them (boundaries,
 * content key, IV, key transport padding), and is replayed through one injected `crypto` that
 * gives back exactly those bytes: a build that draws anything else, in another order, or from
 * the global crypto, fails here.
 *
 * `GOLDEN_WRITE=1 npx vitest run tests/smime/outgoing-golden.test.ts` records them again (from
 * a seeded crypto); never do that to make a failing test pass.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { buildOutgoing, type OutgoingOptions } from '../../src/lib/smime/outgoing';
import type { PrivateKeySet } from '../../src/lib/pki/keyset';
import { readPem } from '../cms/enveloped-helpers';
import { seededRandom } from '../cms/enveloped-write-helpers';
import { aliceSigner, isCrlf7bit, NOW, PKI } from '../interop/outgoing-helpers';
import { blobBytes } from '../bytes-helpers';

const DIR = new URL('../fixtures/outgoing/', import.meta.url).pathname;
const MANIFEST = join(DIR, 'golden.json');
/** Messages up to this size are kept whole as .eml beside the manifest (the others by SHA-256). */
const KEEP_WHOLE = 32 * 1024;

const pem = (name: string): Uint8Array => readPem(join(PKI, `${name}.pem`));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** One recorded build. */
interface Golden {
	name: string;
	/** The random bytes drawn, in order, as hex. */
	draws: string[];
	raw: { length: number; sha256: string; eml?: string };
	content: { length: number; sha256: string };
}

interface Case {
	name: string;
	seed: number;
	options: (crypto: Crypto) => OutgoingOptions;
}

function cases(certificate: Uint8Array, keys: PrivateKeySet): Case[] {
	const big = new Uint8Array(300 * 1024 + 1).map((_, i) => (i * 2654435761) >>> 24);
	const attachmentSets = [
		[],
		[{ filename: 'a.bin', contentType: 'application/octet-stream', data: Uint8Array.of(1, 2) }],
		[
			{ filename: 'Grüße 2026 mit einem sehr langen Dateinamen der umgebrochen wird.pdf', contentType: 'application/pdf', data: big },
			{ filename: 'empty.txt', contentType: 'text/plain', data: new Uint8Array() }
		]
	];
	const out: Case[] = [];
	let seed = 1;
	for (const attachments of attachmentSets) {
		for (const sign of [false, true]) {
			for (const encrypt of [null, 'aes-256-cbc', 'aes-256-gcm'] as const) {
				seed++;
				const s = seed;
				out.push({
					name: `${String(attachments.length)}-attachments-${sign ? 'signed' : 'unsigned'}-${encrypt ?? 'clear'}`,
					seed: s,
					options: (crypto) => ({
						from: { address: 'alice@sealdesk.test', name: 'Alice' },
						to: [{ address: 'bob@sealdesk.test' }],
						subject: 'Betreff: Grüße',
						text: s % 2 ? 'Hallo\nZeile zwei ' + 'ä'.repeat(50) : 'ends in a line break\n',
						attachments,
						messageId: `m${String(s)}@sealdesk.test`,
						date: NOW,
						...(sign ? { sign: { certificate, chain: [pem('inter-ca')], keys } } : {}),
						...(encrypt ? { encrypt: { recipients: [{ certificate: pem('bob'), keyTransport: 'rsa-pkcs1' as const }], contentEncryption: encrypt } } : {}),
						crypto
					})
				});
			}
		}
	}
	return out;
}

/** WebCrypto whose getRandomValues gives back the recorded draws, one per call, of the recorded lengths. */
function replayCrypto(draws: readonly string[]): { crypto: Crypto; left: () => number } {
	let next = 0;
	const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
		if (!array) return array;
		const draw = draws[next++];
		if (draw === undefined) throw new Error(`Draw ${String(next)} was not recorded.`);
		const bytes = Buffer.from(draw, 'hex');
		if (bytes.length !== array.byteLength) throw new Error(`Draw ${String(next)} asks for ${String(array.byteLength)} bytes; ${String(bytes.length)} were recorded.`);
		new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
		return array;
	};
	return { crypto: { subtle: globalThis.crypto.subtle, getRandomValues } as Crypto, left: () => draws.length - next };
}

/**
 * Records a build: the global getRandomValues and the injected one are both seeded and logged
 * into one list (the code before issue 17 drew boundaries from the global).
 */
async function record(c: Case): Promise<{ golden: Golden; raw: Uint8Array }> {
	const draws: string[] = [];
	const logged = (seed: number): (<T extends ArrayBufferView | null>(array: T) => T) => {
		const random = seededRandom(seed);
		return <T extends ArrayBufferView | null>(array: T): T => {
			random(array);
			if (array) draws.push(hex(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)));
			return array;
		};
	};
	const spy = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(logged(c.seed));
	let built;
	try {
		built = await buildOutgoing(c.options({ subtle: globalThis.crypto.subtle, getRandomValues: logged(c.seed) } as Crypto));
	} finally {
		spy.mockRestore();
	}
	const content = await built.content();
	const golden: Golden = {
		name: c.name,
		draws,
		raw: { length: built.raw.length, sha256: sha256(built.raw), ...(built.raw.length <= KEEP_WHOLE ? { eml: `${c.name}.eml` } : {}) },
		content: { length: content.length, sha256: sha256(content) }
	};
	return { golden, raw: built.raw };
}

describe('buildOutgoing against golden vectors', () => {
	test('every combination of sign and encrypt (CBC, GCM), with none, one tiny, and a large and an empty attachment, is the recorded message byte for byte', async () => {
		const { certificate, keys } = await aliceSigner();
		const all = cases(certificate, keys);
		if (process.env.GOLDEN_WRITE === '1') {
			if (!existsSync(DIR)) mkdirSync(DIR, { recursive: true });
			const goldens: Golden[] = [];
			for (const c of all) {
				const { golden, raw } = await record(c);
				if (golden.raw.eml) writeFileSync(join(DIR, golden.raw.eml), raw);
				goldens.push(golden);
			}
			writeFileSync(MANIFEST, JSON.stringify(goldens, null, '\t') + '\n');
		}
		const goldens = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Golden[];
		expect(goldens.map((g) => g.name)).toEqual(all.map((c) => c.name));
		for (const [i, c] of all.entries()) {
			const golden = goldens[i] as Golden;
			const replay = replayCrypto(golden.draws);
			const built = await buildOutgoing(c.options(replay.crypto));
			expect(replay.left(), `${c.name}: every recorded draw is used`).toBe(0);
			if (golden.raw.eml) expect(Buffer.from(built.raw).toString('latin1'), c.name).toBe(readFileSync(join(DIR, golden.raw.eml), 'latin1'));
			expect({ length: built.raw.length, sha256: sha256(built.raw) }, c.name).toEqual({ length: golden.raw.length, sha256: golden.raw.sha256 });
			const content = await built.content();
			expect({ length: content.length, sha256: sha256(content) }, c.name).toEqual(golden.content);
			expect((await blobBytes(built.blob)).equals(Buffer.from(built.raw)), c.name).toBe(true);
			expect(isCrlf7bit(built.raw), c.name).toBe(true);
		}
	});

	test('the global crypto is never drawn from', async () => {
		const { certificate, keys } = await aliceSigner();
		const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
		try {
			for (const c of cases(certificate, keys)) await buildOutgoing(c.options({ subtle: globalThis.crypto.subtle, getRandomValues: seededRandom(c.seed) } as Crypto));
			expect(spy).not.toHaveBeenCalled();
		} finally {
			spy.mockRestore();
		}
	});
});
