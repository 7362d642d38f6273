/**
 * Issue 16: a slow but legitimate PKCS#12 import (OpenSSL's -legacy layout at 200,000
 * iterations: five key derivations that node-forge runs synchronously in JavaScript) must not
 * stop the desk. The derivations run in a worker of their own, so the desk worker keeps
 * answering other calls (listCertificates here) while the import runs.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import type { DeskWindow } from './remote';

const SLOW_P12 = [...readFileSync(new URL('../fixtures/kdf/slow-legacy-200k.p12', import.meta.url))];

test('the desk answers listCertificates within half a second, again and again, while a slow PKCS#12 import runs', async ({ page }) => {
	await page.goto('/');
	await page.waitForFunction(() => 'sealdesk' in window);
	const result = await page.evaluate(async (bytes) => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		await desk.setEnabled(true);
		const started = performance.now();
		const state = { finished: 0 };
		const running = (): boolean => state.finished === 0;
		const importing = desk.importFile({ name: 'slow-legacy-200k.p12', data: new Uint8Array(bytes), passphrase: 'sealdesk' }).then((summary) => {
			state.finished = performance.now();
			return summary;
		});
		const answers: number[] = [];
		while (running()) {
			const asked = performance.now();
			await desk.listCertificates();
			if (running()) answers.push(performance.now() - asked);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const summary = await importing;
		return { importMs: state.finished - started, answers, keys: summary.privateKeys.length };
	}, SLOW_P12);
	expect(result.keys).toBe(1);
	// The import was slow enough to matter...
	expect(result.importMs).toBeGreaterThan(1000);
	// ...and the desk answered all along, each time quickly.
	expect(result.answers.length).toBeGreaterThanOrEqual(5);
	expect(Math.max(...result.answers)).toBeLessThan(500);
});

test('through the legacy worker: a PKCS#12 PBE PKCS#8 key imports, a wrong passphrase gets its sentence; an over-limit file is refused with the cost sentence', async ({ page }) => {
	const read = (path: string): number[] => [...readFileSync(new URL(`../fixtures/${path}`, import.meta.url))];
	const files = { cert: read('pki/alice.pem'), key: read('import/alice-enc-3des-pkcs8.key'), p12: read('import/bob-legacy.p12'), costly: read('kdf/pbe-6m.p12') };
	await page.goto('/');
	await page.waitForFunction(() => 'sealdesk' in window);
	const result = await page.evaluate(async (f) => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		const refusal = (input: Parameters<typeof desk.importFile>[0]): Promise<string> =>
			desk.importFile(input).then(
				() => 'imported',
				(error: unknown) => (error instanceof Error ? error.message : String(error))
			);
		await desk.setEnabled(true);
		await desk.importFile({ name: 'alice.pem', data: new Uint8Array(f.cert) });
		const key = await desk.importFile({ name: 'alice-enc-3des-pkcs8.key', data: new Uint8Array(f.key), passphrase: 'sealdesk' });
		return {
			keys: key.privateKeys.length,
			wrong: await refusal({ name: 'bob-legacy.p12', data: new Uint8Array(f.p12), passphrase: 'not it' }),
			costly: await refusal({ name: 'pbe-6m.p12', data: new Uint8Array(f.costly), passphrase: 'sealdesk' })
		};
	}, files);
	expect(result).toEqual({
		keys: 1,
		wrong: 'The passphrase is wrong.',
		costly: '"pbe-6m.p12" asks for 6,000,000 key-derivation iterations (PKCS#12 MAC); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.'
	});
});
