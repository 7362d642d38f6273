/**
 * The import cost limits inside node-forge. Its PKCS#12 reader derives keys synchronously and
 * finds some counts only while it reads (a key bag inside an encrypted SafeContents), so the
 * counts that cannot be checked beforehand (pki/kdf-limits) are checked here, at forge's own
 * derivation functions, just before each one runs. forge calls them through its namespace
 * (`p12.generateKey`, `pki.pbe.generatePkcs12Key`, `forge.pkcs5.pbkdf2`), so wrapping those
 * properties covers every path of its MAC, PKCS#12 PBE and PBES2 code.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/pbe.js';
import 'node-forge/lib/pbkdf2.js';
import 'node-forge/lib/pkcs12.js';
import { MAX_KDF_ITERATIONS, MAX_KDF_ITERATIONS_PER_FILE, type KdfCost, type KdfUse } from './kdf-cost';

/** A derivation above the limits: `cost` the one refused, or null when the file's total was. */
export class KdfLimitError extends Error {
	readonly cost: KdfCost | null;
	readonly total: bigint;

	constructor(cost: KdfCost | null, total: bigint) {
		super(cost ? `${cost.use}: ${cost.iterations.toString()} iterations` : `${total.toString()} iterations in all`);
		this.name = 'KdfLimitError';
		this.cost = cost;
		this.total = total;
	}
}

/**
 * The derivations actually run in one guarded call. A PKCS#12 PBE item derives its key and its
 * IV, two derivations at its count, so the work allowed is twice the per-file count.
 */
let spent = 0;

function charge(use: KdfUse, iterations: number): void {
	if (!Number.isSafeInteger(iterations) || iterations > MAX_KDF_ITERATIONS) throw new KdfLimitError({ use, iterations: BigInt(Math.floor(Number.isFinite(iterations) ? iterations : Number.MAX_SAFE_INTEGER)) }, BigInt(spent));
	spent += iterations;
	if (spent > 2 * MAX_KDF_ITERATIONS_PER_FILE) throw new KdfLimitError(null, BigInt(spent));
}

type Derive = (...args: unknown[]) => unknown;

function wrap(owner: Record<string, unknown>, name: string, use: KdfUse, countAt: number): void {
	const original = owner[name] as Derive & { sealdeskGuarded?: true };
	if (typeof original !== 'function' || original.sealdeskGuarded) return;
	const guarded: Derive & { sealdeskGuarded?: true } = (...args: unknown[]) => {
		charge(use, Number(args[countAt]));
		return original(...args);
	};
	guarded.sealdeskGuarded = true;
	owner[name] = guarded;
}

// generateKey(password, salt, id, iter, n, md); generatePkcs12Key(password, salt, id, iter, n, md);
// pbkdf2(password, salt, iterations, keyLength, md, callback)
wrap(forge.pkcs12, 'generateKey', 'PKCS#12 MAC', 3);
wrap((forge.pki as unknown as { pbe: Record<string, unknown> }).pbe, 'generatePkcs12Key', 'PKCS#12 encryption', 3);
wrap(forge.pkcs5, 'pbkdf2', 'PBKDF2', 2);

/**
 * Runs forge code with a fresh per-file budget of derivations.
 * @throws KdfLimitError (from inside `run`) when a derivation is above the limits, before it runs
 */
export function withKdfLimits<T>(run: () => T): T {
	spent = 0;
	try {
		return run();
	} finally {
		spent = 0;
	}
}
