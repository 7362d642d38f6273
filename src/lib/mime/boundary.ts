/** Multipart boundaries for outgoing entities (RFC 2046 §5.1.1), drawn from the injected crypto. */
import { fromBinary } from '../base/bytes';
import { indexOfBytes } from './bytes';
import type { Piece } from './out-pieces';

/** Every boundary starts with this; 36 random hex digits follow. */
const PREFIX = '----=_sealdesk_';

/**
 * A random boundary (`----=_sealdesk_` and 36 hex digits, from `crypto.getRandomValues`) that
 * occurs in none of the literal pieces; drawn again when it does. Base64 pieces need no search:
 * their alphabet has no '-', so no delimiter line ("--" + boundary) can occur in them.
 */
export function boundaryFor(pieces: readonly Piece[], crypto: Crypto): string {
	const literals = pieces.filter((p): p is Uint8Array => p instanceof Uint8Array);
	for (;;) {
		const r = crypto.getRandomValues(new Uint8Array(18));
		const b = PREFIX + Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('');
		const needle = fromBinary(b);
		if (literals.every((c) => indexOfBytes(c, needle) === -1)) return b;
	}
}
