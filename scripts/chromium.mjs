// Finds the Chromium to drive: a system one when present (Playwright cannot download its own
// browser on every machine), otherwise undefined so that Playwright uses its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, then google-chrome. */
export function systemChromium() {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	for (const path of candidates) if (path && existsSync(path)) return path;
	try {
		const chrome = execFileSync('which', ['google-chrome'], { encoding: 'utf8' }).trim();
		if (chrome) return chrome;
	} catch {
		// not installed
	}
	return undefined;
}

/** Chromium's own background traffic (updates, sync) would only be refused here. */
export const QUIET_ARGS = [
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic'
];
