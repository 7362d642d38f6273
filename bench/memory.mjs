// Peak memory of Chromium's renderer processes (the page and its desk worker live there),
// read from /proc: clear_refs "5" resets a process's peak RSS (VmHWM), so the peak of one
// operation is VmHWM after it minus VmRSS before it. This counts everything the operation
// allocated, JS heap and ArrayBuffers alike, and it needs no help from the busy worker thread
// (a CDP heap probe would queue behind the very work it measures). Linux only; elsewhere
// `peak` returns null.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

function field(status, name) {
	const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
	return match ? Number(match[1]) * 1024 : 0;
}

/** The renderer processes under the browser process `rootPid`. */
function renderers(rootPid) {
	const parent = new Map();
	const cmd = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
			cmd.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
		} catch {
			// the process ended meanwhile
		}
	}
	const under = (pid) => {
		for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === rootPid) return true;
		return false;
	};
	return [...cmd].filter(([pid, line]) => line.includes('--type=renderer') && under(pid)).map(([pid]) => pid);
}

/**
 * Starts a measurement over the renderers of the browser process `rootPid`.
 * @returns {{ peak(): number | null }} bytes above the starting RSS at the highest point since
 */
export function startPeak(rootPid) {
	if (!rootPid || process.platform !== 'linux') return { peak: () => null };
	const pids = renderers(rootPid);
	const before = new Map();
	for (const pid of pids) {
		try {
			writeFileSync(`/proc/${pid}/clear_refs`, '5');
			before.set(pid, field(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'));
		} catch {
			// not ours to reset, or gone
		}
	}
	return {
		peak() {
			if (before.size === 0) return null;
			let most = 0;
			for (const [pid, rss] of before) {
				try {
					most = Math.max(most, field(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') - rss);
				} catch {
					// gone
				}
			}
			return most;
		}
	};
}
