/**
 * Fuzz run settings. The normal test run uses a fixed seed and a bounded number of cases;
 * `npm run fuzz` (FUZZ_LONG=1) runs many more with the seed from FUZZ_SEED or a random one,
 * printed so a failure can be replayed with `FUZZ_SEED=<seed> npm run fuzz`.
 */
import fc from 'fast-check';

const long = process.env.FUZZ_LONG === '1';
const envSeed = process.env.FUZZ_SEED;

/** The seed of this run. */
export const SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : long ? Math.floor(Math.random() * 0x7fffffff) : 20261129;

/** How much longer than the normal run `npm run fuzz` runs. */
export const FACTOR = long ? Number(process.env.FUZZ_FACTOR ?? '25') : 1;

if (long) console.log(`fuzz seed ${String(SEED)} (replay: FUZZ_SEED=${String(SEED)} npm run fuzz)`);

/** Parameters for fc.assert: the seed and the run count scaled for `npm run fuzz`. */
export function params(numRuns: number): fc.Parameters<unknown> {
	return { seed: SEED, numRuns: numRuns * FACTOR };
}

/** Runs an async property; on failure the error names the seed for replay. */
export async function check<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>, numRuns: number): Promise<void> {
	try {
		await fc.assert(property as fc.IAsyncProperty<Ts>, params(numRuns) as fc.Parameters<Ts>);
	} catch (error) {
		throw new Error(`Fuzz failure with seed ${String(SEED)} (replay: FUZZ_SEED=${String(SEED)} npm run fuzz).`, { cause: error });
	}
}

/** The time limit of one case of at most 100 KB: 2 s. */
export const CASE_LIMIT_MS = 2000;

/** Milliseconds a case may take for an input of this size (2 s per 100 KB, at least 2 s). */
export function timeLimit(size: number): number {
	return CASE_LIMIT_MS * Math.max(1, Math.ceil(size / 100_000));
}
