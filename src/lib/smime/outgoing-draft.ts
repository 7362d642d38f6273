/**
 * Reading the addresses of a draft strictly (an invalid address is an error, not skipped),
 * and making Message-IDs.
 */
import { toHex } from '../base/bytes';
import { parseAddressList } from '../mime/display';
import type { OutAddress } from '../mime/out-headers';

/** Why a draft was refused. */
export type DraftErrorCode =
	| 'no-sender'
	| 'no-recipient'
	| 'invalid-address'
	| 'sign-impossible'
	| 'encrypt-impossible'
	| 'invalid-option'
	| 'failed';

/** A draft that cannot be sent; `message` is the sentence for the agent. */
export class DraftError extends Error {
	override name = 'DraftError';
	readonly code: DraftErrorCode;

	constructor(code: DraftErrorCode, message: string, options?: ErrorOptions) {
		super(message, options);
		this.code = code;
	}
}

/** Splits an address list at commas and semicolons outside quotes and angle brackets. */
function splitList(s: string): string[] {
	const out: string[] = [];
	let cur = '';
	let quoted = false;
	let angle = false;
	for (let i = 0; i < s.length; i++) {
		const ch = s.charAt(i);
		if (ch === '\\' && quoted) {
			cur += ch + s.charAt(i + 1);
			i++;
			continue;
		}
		if (ch === '"') quoted = !quoted;
		else if (!quoted && ch === '<') angle = true;
		else if (!quoted && ch === '>') angle = false;
		if (!quoted && !angle && (ch === ',' || ch === ';')) {
			out.push(cur);
			cur = '';
		} else cur += ch;
	}
	out.push(cur);
	return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

/**
 * Parses the addresses of one draft field: a string holding an address list, or an array of
 * such strings (`"Name" <a@b.example>`, `a@b.example`). Addresses are lower-cased; duplicates
 * are dropped.
 * @throws DraftError 'invalid-address' ("The address "x" is not valid.") for any entry that is
 *   not exactly one valid address
 */
export function parseDraftAddresses(input: string | readonly string[] | undefined | null): OutAddress[] {
	const list = input == null ? [] : typeof input === 'string' ? [input] : input;
	const out: OutAddress[] = [];
	for (const value of list) {
		if (typeof value !== 'string') throw new DraftError('invalid-address', 'An address is not text.');
		for (const item of splitList(value)) {
			const parsed = parseAddressList(item);
			const first = parsed[0];
			if (parsed.length !== 1 || !first) throw new DraftError('invalid-address', `The address "${item}" is not valid.`);
			if (!out.some((a) => a.address === first.address)) out.push(first.name ? { name: first.name, address: first.address } : { address: first.address });
		}
	}
	return out;
}

/** A fresh Message-ID in angle brackets, on the domain of the sender's address. */
export function makeMessageId(fromAddress: string, crypto: Crypto): string {
	const random = toHex(crypto.getRandomValues(new Uint8Array(16)));
	const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'sealdesk.invalid';
	return `<${random}@${domain}>`;
}
