// The README's screenshots (issue 19): the production build in headless Chromium, filled
// through the desk handle with the test PKI and a few mails made by openssl, one per
// security verdict, then photographed at desktop and phone width in light and dark.
// Usage: npm run build && node scripts/screenshots.mjs   (writes docs/screenshots/*.png)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from './chromium.mjs';
import { serveBuild } from './serve-build.mjs';

const root = join(import.meta.dirname, '..');
const pki = (name) => join(root, 'tests', 'fixtures', 'pki', name);
const out = join(root, 'docs', 'screenshots');
const work = mkdtempSync(join(tmpdir(), 'sealdesk-shots-'));
let n = 0;

const openssl = (args) => execFileSync('openssl', args, { maxBuffer: 16 * 1024 * 1024 }).toString('latin1');
const file = (content) => {
	const path = join(work, `f${n++}`);
	writeFileSync(path, content);
	return path;
};
const text = (body) => `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
const sign = (who, entity) => openssl(['cms', '-sign', '-in', file(entity), '-signer', pki(`${who}.pem`), '-inkey', pki(`${who}.key`), '-certfile', pki('inter-ca.pem'), '-md', 'sha256']);
const encrypt = (who, entity) => openssl(['cms', '-encrypt', '-in', file(entity), '-aes256', '-recip', pki(`${who}.pem`)]);
const mail = (o, entity) =>
	[`From: ${o.from ?? 'Alice Example <alice@sealdesk.test>'}`, `To: ${o.to ?? 'bob@sealdesk.test'}`, `Subject: ${o.subject}`, `Message-ID: <shot${n++}@customer.test>`, `Date: ${o.date}`].join('\r\n') + '\r\n' + entity;

// openssl signs with the time now, and a signature made more than an hour away from the Date
// header is invalid: the mails are dated within the last hour, a few minutes apart.
const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toUTCString().replace('GMT', '+0000');
const signed = sign('alice', text('Hello, our printer on floor 3 prints only blank pages since this morning.'));
const mails = [
	mail({ subject: 'Printer prints blank pages', date: minutesAgo(49) }, signed),
	mail({ subject: 'Invoice 4711: wrong VAT rate', date: minutesAgo(42) }, encrypt('bob', sign('alice', text('The VAT rate on invoice 4711 should be 7 %.')))),
	mail({ subject: 'Urgent: change our bank account', from: 'Alice Example <alice@evil.test>', date: minutesAgo(35) }, signed),
	mail({ subject: 'Contract renewal', date: minutesAgo(28) }, signed.replace('blank pages', 'BLANK PAGES')),
	mail({ subject: 'Old certificate still in use', from: 'expired@sealdesk.test', date: minutesAgo(21) }, sign('expired', text('Is this still fine?'))),
	mail({ subject: 'For the finance team', to: 'carol@sealdesk.test', date: minutesAgo(14) }, encrypt('carol', text('Quarterly numbers attached.'))),
	mail({ subject: 'Login does not work', from: 'Dave <dave@customer.test>', date: minutesAgo(7) }, text('I cannot log in since the update.'))
];
const desk = {
	chain: readFileSync(pki('chain.pem'), 'utf8'),
	alice: readFileSync(pki('alice.pem'), 'utf8'),
	bob: readFileSync(pki('bob.pem'), 'utf8') + readFileSync(pki('bob.key'), 'utf8'),
	expired: readFileSync(pki('expired.pem'), 'utf8')
};

mkdirSync(out, { recursive: true });
const host = await serveBuild(join(root, 'build'));
const browser = await chromium.launch({ executablePath: systemChromium(), args: QUIET_ARGS });
try {
	const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, serviceWorkers: 'block', locale: 'en-GB', timezoneId: 'Europe/Berlin' });
	const page = await context.newPage();
	await page.goto(`${host.origin}/`);
	await page.waitForFunction(() => 'sealdesk' in window);
	await page.waitForSelector('#first-run');
	await page.screenshot({ path: join(out, 'first-run.png') });
	const ids = await page.evaluate(
		async ({ desk, mails }) => {
			const d = window.sealdesk;
			await d.setEnabled(true);
			for (const pem of [desk.chain, desk.alice, desk.bob, desk.expired]) await d.importFile({ name: 'pki.pem', data: pem });
			await d.saveGroup({ name: 'Support', email: 'bob@sealdesk.test', sign: true, encrypt: true });
			const out = [];
			for (const m of mails) out.push((await d.receive(m)).ticketId);
			return out;
		},
		{ desk, mails }
	);
	const shoot = async (name, path, o = {}) => {
		await page.goto(`${host.origin}${path}`);
		await page.waitForLoadState('networkidle');
		if (o.wait) await page.waitForSelector(o.wait);
		if (o.before) await o.before();
		await page.screenshot({ path: join(out, `${name}.png`), fullPage: o.fullPage ?? false });
	};
	await shoot('tickets', '/', { wait: '[data-testid="ticket-row"]' });
	await shoot('ticket', `/ticket?id=${ids[1]}`, { wait: 'article' });
	await shoot('admin', '/admin/smime', { wait: '[data-testid="certificate-row"]' });
	await page.emulateMedia({ colorScheme: 'dark' });
	await shoot('tickets-dark', '/', { wait: '[data-testid="ticket-row"]' });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.emulateMedia({ colorScheme: 'light' });
	await shoot('phone', '/', { wait: '[data-testid="ticket-row"]' });
	await context.close();
} finally {
	await browser.close();
	host.server.close();
}
console.log(`Screenshots written to ${out}`);
