// CPU profile of one desk operation inside the desk worker, for finding where the time goes.
// Usage: node bench/profile.mjs <sign|encrypt|sign+encrypt|decrypt|verify|decrypt+verify> [MB] [RSA-2048|P-256]
// (after `vite build`). Writes bench-results/<op>.cpuprofile (open it in Chrome DevTools) and
// prints the functions with the most self time.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from '../scripts/chromium.mjs';
import { serveBench } from './serve.mjs';
import { attachDeskWorker } from './worker-cdp.mjs';
import { inputsDir, keyTypes, loadInputs, prepareInputs, runOurs, openDeskPage } from './messages.mjs';

const [op = 'sign', mb = '10', keyLabel = 'RSA-2048'] = process.argv.slice(2);
const root = join(import.meta.dirname, '..');
const pki = join(root, 'tests', 'fixtures', 'pki');
const dir = inputsDir();
const key = keyTypes(pki).find((k) => k.label === keyLabel);
if (!key) throw new Error(`unknown key type ${keyLabel}`);
prepareInputs(dir, key, pki, randomBytes(Number(mb) * 1024 * 1024));
const host = await serveBench(join(root, 'build'), dir);
const browser = await chromium.launch({ executablePath: systemChromium(), args: QUIET_ARGS });
try {
	const { page } = await openDeskPage(browser, host.origin, pki);
	const { send } = await attachDeskWorker(page);
	await loadInputs(page);
	await send('Profiler.enable');
	await send('Profiler.setSamplingInterval', { interval: 200 });
	await send('Profiler.start');
	const ms = await runOurs(page, op, key);
	const { profile } = await send('Profiler.stop');
	mkdirSync(join(root, 'bench-results'), { recursive: true });
	const out = join(root, 'bench-results', `${op.replace('+', '-')}.cpuprofile`);
	writeFileSync(out, JSON.stringify(profile));
	const self = new Map();
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const dt = profile.timeDeltas;
	profile.samples.forEach((id, i) => {
		const n = byId.get(id);
		const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
		self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
	});
	console.log(`${op} ${mb} MB ${keyLabel}: ${ms.toFixed(0)} ms (page-timed); profile in ${out}`);
	for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${t.toFixed(0).padStart(7)} ms  ${name}`);
} finally {
	await browser.close();
	host.server.close();
	rmSync(dir, { recursive: true, force: true });
}
