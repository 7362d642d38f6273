// Trust evaluation: paths to imported certificates, purposes, validity, and Zammad's chain cases.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { evaluateTrust } from '../../src/lib/pki/chain';
import type { EvaluateTrustOptions, TrustResult } from '../../src/lib/pki/chain';
import { PKI, certFile, hex, opensslOk, pki, zammad } from '../cms/signed-helpers';

const SIGNED = fileURLToPath(new URL('../fixtures/signed/', import.meta.url));
const own = (name: string): Uint8Array => certFile(join(SIGNED, `${name}.pem`));
const NOW = new Date('2027-06-01T00:00:00Z');

function trust(o: Partial<EvaluateTrustOptions> & { leaf: Uint8Array }): Promise<TrustResult> {
	return evaluateTrust({ untrusted: [], anchors: [], now: NOW, crypto, purpose: 'sign', ...o });
}

function trusted(r: TrustResult): Extract<TrustResult, { status: 'trusted' }> {
	expect(r.status, 'reason' in r ? r.reason : '').toBe('trusted');
	if (r.status !== 'trusted') throw new Error('not trusted');
	return r;
}

describe('shared test PKI', () => {
	const alice = pki('alice');
	const inter = pki('inter-ca');
	const root = pki('root-ca');

	it('is trusted via the root, with the intermediate from the message', async () => {
		const r = trusted(await trust({ leaf: alice, untrusted: [inter], anchors: [root] }));
		expect(r.path.map(hex)).toEqual([alice, inter, root].map(hex));
		expect(hex(r.anchor)).toBe(hex(root));
		expect(r.expired).toEqual([]);
	});

	it('is trusted via the intermediate alone, and via the leaf itself', async () => {
		expect(trusted(await trust({ leaf: alice, anchors: [inter] })).path).toHaveLength(2);
		const self = trusted(await trust({ leaf: alice, anchors: [pki('bob'), alice] }));
		expect(self.path.map(hex)).toEqual([hex(alice)]);
	});

	it('is untrusted with only the root when the intermediate is missing', async () => {
		const r = await trust({ leaf: alice, anchors: [root] });
		expect(r.status).toBe('untrusted');
	});

	it('is untrusted under an unrelated (rogue) CA', async () => {
		expect((await trust({ leaf: alice, untrusted: [inter], anchors: [pki('rogue-ca')] })).status).toBe('untrusted');
	});

	it('reports an expired leaf, at the signing time and now', async () => {
		const expired = pki('expired');
		const r = trusted(await trust({ leaf: expired, untrusted: [inter], anchors: [root], signingTime: new Date('2025-06-01T00:00:00Z') }));
		expect(r.expired).toHaveLength(1);
		expect(hex(r.expired[0]?.certificate ?? new Uint8Array())).toBe(hex(expired));
		expect(r.expired[0]?.when).toEqual(['signing-time', 'now']);
		expect(r.expired[0]?.notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z');
		// Signed while it was valid (the CAs of the test PKI start in 2025, so the leaf is its own anchor): only "now".
		const then = trusted(await trust({ leaf: expired, anchors: [expired], signingTime: new Date('2020-06-01T00:00:00Z') }));
		expect(then.expired[0]?.when).toEqual(['now']);
	});

	it('reports a not-yet-valid leaf', async () => {
		const r = trusted(await trust({ leaf: pki('future'), untrusted: [inter], anchors: [root] }));
		expect(r.expired[0]?.notBefore.toISOString()).toBe('2040-01-01T00:00:00.000Z');
	});

	it('refuses a TLS server certificate for e-mail', async () => {
		const r = await trust({ leaf: pki('tls'), untrusted: [inter], anchors: [root] });
		expect(r).toEqual({ status: 'invalid', reason: 'The certificate is not meant for e-mail protection.' });
	});

	it('checks key usage for the purpose', async () => {
		const signonly = pki('signonly');
		trusted(await trust({ leaf: signonly, untrusted: [inter], anchors: [root], purpose: 'sign' }));
		expect((await trust({ leaf: signonly, untrusted: [inter], anchors: [root], purpose: 'encrypt' })).status).toBe('invalid');
		trusted(await trust({ leaf: pki('grace'), untrusted: [inter], anchors: [root], purpose: 'encrypt' }));
		trusted(await trust({ leaf: pki('carol'), untrusted: [inter], anchors: [root] }));
		trusted(await trust({ leaf: pki('frank'), untrusted: [inter], anchors: [root] }));
	});

	it('does not let a leaf act as an issuer, even when it is an anchor', async () => {
		const leaf = own('alice-issued');
		expect((await trust({ leaf, untrusted: [alice, inter], anchors: [root] })).status).toBe('untrusted');
		expect((await trust({ leaf, anchors: [alice] })).status).toBe('untrusted');
	});

	it('does not trust a chain through clones of the anchor subjects with other keys', async () => {
		const cloneInter = own('clone-inter');
		const cloneRoot = own('clone-root');
		// The clones really do carry the trusted subjects.
		const p = (d: Uint8Array): pkijs.Certificate => pkijs.Certificate.fromBER(d.slice());
		expect(p(cloneInter).subject.isEqual(p(inter).subject)).toBe(true);
		expect(p(cloneRoot).subject.isEqual(p(root).subject)).toBe(true);
		const leaf = own('clone-issued');
		expect((await trust({ leaf, untrusted: [cloneInter, cloneRoot], anchors: [root] })).status).toBe('untrusted');
		expect((await trust({ leaf, untrusted: [cloneInter, cloneRoot], anchors: [inter] })).status).toBe('untrusted');
		// The genuine alice still chains with the clones in the pile.
		trusted(await trust({ leaf: alice, untrusted: [cloneInter, cloneRoot, inter], anchors: [root] }));
	});

	it('respects pathLenConstraint (inter-ca has pathlen:0), as openssl verify does', async () => {
		const leaf = own('sub-leaf');
		const sub = own('sub-ca');
		expect((await trust({ leaf, untrusted: [sub, inter], anchors: [root] })).status).toBe('untrusted');
		expect((await trust({ leaf, untrusted: [sub], anchors: [inter] })).status).toBe('untrusted');
		trusted(await trust({ leaf, anchors: [sub] }));
		const ok = opensslOk(['verify', '-CAfile', join(PKI, 'root-ca.pem'), '-untrusted', join(PKI, 'inter-ca.pem'), '-untrusted', join(SIGNED, 'sub-ca.pem'), join(SIGNED, 'sub-leaf.pem')]);
		expect(ok.ok).toBe(false);
	});

	it('refuses a leaf with an unknown critical extension, as openssl verify does', async () => {
		const leaf = own('critical-leaf');
		expect((await trust({ leaf, untrusted: [inter], anchors: [root] })).status).toBe('invalid');
		expect(opensslOk(['verify', '-CAfile', join(PKI, 'root-ca.pem'), '-untrusted', join(PKI, 'inter-ca.pem'), join(SIGNED, 'critical-leaf.pem')]).ok).toBe(false);
	});

	it('refuses more than 20 bundled certificates', async () => {
		const pile = Array.from({ length: 21 }, () => pki('rogue-ca'));
		const started = Date.now();
		expect((await trust({ leaf: alice, untrusted: pile, anchors: [alice] })).status).toBe('untrusted');
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('reports an unreadable leaf as invalid', async () => {
		expect((await trust({ leaf: Uint8Array.of(1, 2, 3) })).status).toBe('invalid');
	});
});

describe("Zammad's chain cases (README §6.1)", () => {
	const smime1 = zammad('smime1@example.com');
	const smime2 = zammad('smime2@example.com');
	const inter = zammad('IntermediateCA');
	const root = zammad('RootCA');

	it('a stored leaf or IntermediateCA is an anchor; an unrelated leaf or CA is not', async () => {
		trusted(await trust({ leaf: smime2, anchors: [smime2] }));
		trusted(await trust({ leaf: smime2, anchors: [inter] }));
		expect((await trust({ leaf: smime1, untrusted: [smime1], anchors: [zammad('smime3@example.com')] })).status).toBe('untrusted');
		expect((await trust({ leaf: smime1, anchors: [zammad('ExpiredCA')] })).status).toBe('untrusted');
		expect((await trust({ leaf: smime2, anchors: [zammad('ExpiredIntermediateCA')] })).status).toBe('untrusted');
	});

	it('chain@ is untrusted with only RootCA, trusted with IntermediateCA (first cert of ChainCA)', async () => {
		const chain = zammad('chain@example.com');
		expect((await trust({ leaf: chain, anchors: [root] })).status).toBe('untrusted');
		trusted(await trust({ leaf: chain, anchors: [zammad('ChainCA')] }));
	});

	it('an expired signer stored as anchor is trusted and reported expired', async () => {
		const exp = zammad('expiredsmime1@example.com');
		const r = trusted(await trust({ leaf: exp, anchors: [exp] }));
		expect(r.expired.map((e) => hex(e.certificate))).toEqual([hex(exp)]);
		const full = trusted(await trust({ leaf: exp, untrusted: [zammad('ExpiredIntermediateCA')], anchors: [zammad('ExpiredCA')] }));
		expect(full.expired).toHaveLength(3);
	});

	it('alice@acme.corp certificates do not chain to the IntermediateCA that only shares their issuer name', async () => {
		for (const name of ['alice@acme.corp+sign', 'alice@acme.corp+sign+encrypt']) {
			const leaf = zammad(name);
			expect(pkijs.Certificate.fromBER(leaf.slice()).issuer.isEqual(pkijs.Certificate.fromBER(inter.slice()).subject)).toBe(true);
			expect((await trust({ leaf, untrusted: [inter], anchors: [root] })).status).toBe('untrusted');
			expect((await trust({ leaf, anchors: [inter] })).status).toBe('untrusted');
		}
	});
});
