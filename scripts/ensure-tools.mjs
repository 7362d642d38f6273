// Makes sure `npm test` has every outside program it drives, so that `npm install && npm test`
// does the whole set-up on a fresh machine:
// - a Chromium for the browser tests: a system one (CHROMIUM_PATH, Debian's chromium,
//   chromium-browser, google-chrome) or Playwright's own;
// - openssl, for the interop tests;
// - nginx and Caddy, which serve the build through the shipped deploy/ configs;
// - Cyrus IMAP with JMAP and the SASL tools, the mail server of the mailbox tests.
// On Debian as root the missing packages are installed in one apt-get run, with services kept
// from starting (the tests start their own throwaway servers). Elsewhere it says what is missing.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { systemChromium } from './chromium.mjs';

const has = (cmd) => {
	try {
		execFileSync('which', [cmd], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
};

/** Each program the tests need, how to tell it is there, and the Debian packages that bring it. */
const TOOLS = [
	{ name: 'Chromium', present: () => Boolean(systemChromium()) || existsSync(chromium.executablePath()), packages: ['chromium'] },
	{ name: 'openssl', present: () => has('openssl'), packages: ['openssl'] },
	{ name: 'nginx', present: () => has('nginx'), packages: ['nginx-light'] },
	{ name: 'Caddy', present: () => has('caddy'), packages: ['caddy'] },
	{
		name: 'Cyrus IMAP with JMAP',
		present: () => existsSync('/usr/lib/cyrus/bin/master') && existsSync('/usr/lib/cyrus/bin/httpd') && has('saslpasswd2'),
		packages: ['cyrus-imapd', 'cyrus-caldav', 'sasl2-bin']
	}
];

const missing = TOOLS.filter((tool) => !tool.present());
if (missing.length === 0) process.exit(0);

const canApt = process.getuid?.() === 0 && has('apt-get');
if (canApt) {
	const packages = missing.flatMap((tool) => tool.packages);
	console.log(`Installing Debian packages for the tests: ${packages.join(' ')}`);
	// policy-rc.d keeps the packaged services (nginx, caddy, cyrus) from starting on install.
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !existsSync(policy);
	if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(' ')} >/dev/null`, {
			stdio: 'inherit'
		});
	} finally {
		if (ownPolicy) rmSync(policy, { force: true });
	}
	process.exit(0);
}

const chromiumMissing = missing.some((tool) => tool.name === 'Chromium');
if (chromiumMissing) {
	console.log('No Chromium found: installing Playwright chromium');
	execSync('npx playwright install chromium', { stdio: 'inherit' });
}
const others = missing.filter((tool) => tool.name !== 'Chromium');
if (others.length > 0) {
	console.error(
		`The tests need ${others.map((tool) => tool.name).join(', ')}. Install them (Debian: apt-get install ${others
			.flatMap((tool) => tool.packages)
			.join(' ')}) and run npm test again.`
	);
	process.exit(1);
}
