/**
 * The CA certificates a signature of ours includes: the signer's issuer, its issuer and so on
 * up to the root, as far as the admin imported them (Zammad includes chain@ + IntermediateCA +
 * RootCA). Issuers are matched by name and proven by their signature, never by name alone.
 */
import * as pkijs from 'pkijs';
import { parseCertificate } from '../pki/describe';

/** Longest chain followed, the signer excluded. */
const MAX_DEPTH = 8;

/**
 * Walks from `leaf` to its issuers among `store` (DER certificates; non-CA and unreadable ones
 * are ignored) and returns their DER, nearest issuer first. Stops at a self-issued
 * certificate, at a missing issuer, or after eight steps. Never throws for readable input.
 * @throws Error when `leaf` is not a certificate
 */
export async function issuerChain(leaf: Uint8Array, store: readonly Uint8Array[], crypto: Crypto): Promise<Uint8Array[]> {
	const engine = new pkijs.CryptoEngine({ name: 'sealdesk', crypto });
	const cas: { der: Uint8Array; cert: pkijs.Certificate }[] = [];
	for (const der of store) {
		try {
			const cert = parseCertificate(der);
			const bc = cert.extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as pkijs.BasicConstraints | undefined;
			if (bc?.cA === true) cas.push({ der, cert });
		} catch {
			// An unreadable stored certificate is no issuer.
		}
	}
	const chain: Uint8Array[] = [];
	let current = parseCertificate(leaf);
	const seen = new Set<pkijs.Certificate>();
	for (let depth = 0; depth < MAX_DEPTH; depth++) {
		if (depth > 0 && current.issuer.isEqual(current.subject)) break;
		let next: { der: Uint8Array; cert: pkijs.Certificate } | undefined;
		for (const ca of cas) {
			if (seen.has(ca.cert) || !current.issuer.isEqual(ca.cert.subject)) continue;
			let ok: boolean;
			try {
				ok = await current.verify(ca.cert, engine);
			} catch {
				ok = false;
			}
			if (ok) {
				next = ca;
				break;
			}
		}
		if (!next) break;
		seen.add(next.cert);
		chain.push(next.der);
		current = next.cert;
	}
	return chain;
}
