/**
 * The CA certificates a signature of ours includes: the signer's issuer, its issuer and so on
 * up to the root, as far as the admin imported them (Zammad includes chain@ + IntermediateCA +
 * RootCA). Issuers are matched by name and proven by their signature, never by name alone.
 */
import { Certificate } from '../pki/certificate';

/** Longest chain followed, the signer excluded. */
const MAX_DEPTH = 8;

/**
 * Walks from `leaf` to its issuers among `store` (DER certificates; non-CA and unreadable ones
 * are ignored) and returns their DER, nearest issuer first. Stops at a self-issued
 * certificate, at a missing issuer, or after eight steps. Never throws for readable input.
 * @throws Error when `leaf` is not a certificate
 */
export async function issuerChain(leaf: Uint8Array, store: readonly Uint8Array[], crypto: Crypto): Promise<Uint8Array[]> {
	const cas: { der: Uint8Array; cert: Certificate }[] = [];
	for (const der of store) {
		// An unreadable stored certificate is no issuer.
		const cert = Certificate.tryParse(der);
		if (cert?.isCA) cas.push({ der, cert });
	}
	const chain: Uint8Array[] = [];
	let current = Certificate.parse(leaf);
	const seen = new Set<Certificate>();
	for (let depth = 0; depth < MAX_DEPTH; depth++) {
		if (depth > 0 && current.selfIssued) break;
		let next: { der: Uint8Array; cert: Certificate } | undefined;
		for (const ca of cas) {
			if (seen.has(ca.cert) || !current.issuedByName(ca.cert)) continue;
			if (await current.verifiedBy(ca.cert, crypto)) {
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
