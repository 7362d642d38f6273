import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns a fresh temp directory. */
export function tmp(): string {
	return mkdtempSync(join(tmpdir(), 'mime-'));
}

/** The messageDigest signed attribute (hex) as printed by `openssl cms -cmsout -print`. */
export function opensslDigest(der: Uint8Array): string {
	const f = join(tmp(), 'sig.der');
	writeFileSync(f, der);
	const out = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', f]).toString();
	const seg = out.slice(out.indexOf('messageDigest'));
	const bytes: string[] = [];
	for (const line of seg.split('\n').slice(1)) {
		const mm = /^\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]+)+)/.exec(line);
		if (!mm?.[1]) {
			if (bytes.length) break;
			continue;
		}
		bytes.push(...(mm[1].match(/[0-9a-f]{2}/g) ?? []));
	}
	return bytes.join('').slice(0, 64);
}
