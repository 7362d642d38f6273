/**
 * pathLenConstraint (RFC 5280 §4.2.1.9) read right at every size (issue 17, point 4). pkijs
 * hands a pathLen of four bytes or more over as an asn1js Integer whose `valueDec` is 0, and
 * chain.ts used to read that: a root with pathlen:2147483647 was taken for pathlen:0 and refused
 * its own sub-CAs. pathLen 0 must still stop a sub-CA, an absent pathLen must allow any, and a
 * negative (malformed) one must allow nothing — each as `openssl verify` decides.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateTrust } from '../../src/lib/pki/chain';
import { Certificate } from '../../src/lib/pki';
import { certFile, openssl, opensslOk, tempDir, write } from '../cms/signed-helpers';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const NOW = new Date();

function key(name: string): string {
	const path = join(dir, `${name}.key`);
	openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
	return path;
}

/** A root CA whose basicConstraints is `bc` (an openssl extension value), a sub-CA under it, and a leaf under that. */
function chain(name: string, bc: string): { root: string; sub: string; leaf: string } {
	const cnf = write(
		dir,
		`${name}.cnf`,
		`[root]\nbasicConstraints=${bc}\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n` +
			`[sub]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n` +
			`[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\nsubjectAltName=email:${name}@sealdesk.test\nauthorityKeyIdentifier=keyid\n`
	);
	const rootKey = key(`${name}-root`);
	const root = join(dir, `${name}-root.pem`);
	openssl(['req', '-x509', '-new', '-key', rootKey, '-subj', `/CN=${name} root`, '-days', '30', '-config', cnf, '-extensions', 'root', '-out', root]);
	const issue = (who: string, issuer: string, issuerKey: string, ext: string): string => {
		const k = key(who);
		const csr = join(dir, `${who}.csr`);
		openssl(['req', '-new', '-key', k, '-subj', `/CN=${who}`, '-out', csr, '-config', cnf]);
		const pem = join(dir, `${who}.pem`);
		openssl(['x509', '-req', '-in', csr, '-CA', issuer, '-CAkey', issuerKey, '-set_serial', '1', '-days', '30', '-extfile', cnf, '-extensions', ext, '-out', pem]);
		return pem;
	};
	const sub = issue(`${name}-sub`, root, rootKey, 'sub');
	const leaf = issue(`${name}-leaf`, sub, join(dir, `${name}-sub.key`), 'leaf');
	return { root, sub, leaf };
}

async function verdict(c: { root: string; sub: string; leaf: string }): Promise<string> {
	const r = await evaluateTrust({ leaf: certFile(c.leaf), untrusted: [certFile(c.sub)], anchors: [certFile(c.root)], now: NOW, crypto, purpose: 'sign' });
	return r.status;
}

function opensslVerifies(c: { root: string; sub: string; leaf: string }): boolean {
	return opensslOk(['verify', '-CAfile', c.root, '-untrusted', c.sub, c.leaf]).ok;
}

describe('pathLenConstraint of an anchor with one sub-CA below it', () => {
	it('pathlen:2147483647 (four bytes) allows the sub-CA', async () => {
		const c = chain('huge', 'critical,CA:TRUE,pathlen:2147483647');
		expect(Certificate.parse(certFile(c.root)).basicConstraints).toEqual({ ca: true, pathLength: 2147483647 });
		expect(opensslVerifies(c)).toBe(true);
		expect(await verdict(c)).toBe('trusted');
	});

	it('pathlen:16777216 (the smallest four-byte value) allows the sub-CA', async () => {
		const c = chain('four', 'critical,CA:TRUE,pathlen:16777216');
		expect(Certificate.parse(certFile(c.root)).basicConstraints?.pathLength).toBe(16777216);
		expect(opensslVerifies(c)).toBe(true);
		expect(await verdict(c)).toBe('trusted');
	});

	it('pathlen:0 stops the sub-CA, as openssl verify does', async () => {
		const c = chain('zero', 'critical,CA:TRUE,pathlen:0');
		expect(Certificate.parse(certFile(c.root)).basicConstraints).toEqual({ ca: true, pathLength: 0 });
		expect(opensslVerifies(c)).toBe(false);
		expect(await verdict(c)).toBe('untrusted');
	});

	it('an absent pathLen allows the sub-CA', async () => {
		const c = chain('absent', 'critical,CA:TRUE');
		expect(Certificate.parse(certFile(c.root)).basicConstraints).toEqual({ ca: true, pathLength: null });
		expect(opensslVerifies(c)).toBe(true);
		expect(await verdict(c)).toBe('trusted');
	});

	it('a negative pathLen (malformed DER) allows nothing, as openssl verify refuses it', async () => {
		// SEQUENCE { BOOLEAN TRUE, INTEGER -1 }
		const c = chain('negative', 'critical,DER:30:06:01:01:FF:02:01:FF');
		expect(Certificate.parse(certFile(c.root)).basicConstraints).toEqual({ ca: true, pathLength: -1 });
		expect(opensslVerifies(c)).toBe(false);
		expect(await verdict(c)).toBe('untrusted');
	});
});
