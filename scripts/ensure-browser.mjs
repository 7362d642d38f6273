// Makes sure the browser tests have a Chromium: a system one (CHROMIUM_PATH, Debian's
// chromium, chromium-browser, google-chrome) or Playwright's own. On a fresh Debian machine
// run as root it installs Debian's chromium; elsewhere it asks Playwright for its browser.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

if (systemChromium() || existsSync(chromium.executablePath())) process.exit(0);

if (process.getuid?.() === 0 && has('apt-get')) {
	console.log('No Chromium found: installing Debian chromium');
	execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
} else {
	console.log('No Chromium found: installing Playwright chromium');
	execSync('npx playwright install chromium', { stdio: 'inherit' });
}
