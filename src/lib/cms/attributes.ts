/**
 * Signed attributes of a CMS SignerInfo: DER ordering of a SET OF, and the
 * SMIMECapabilities attribute (RFC 8551 §2.5.2).
 */
import * as asn1js from 'asn1js';
import { concatBytes } from '../base/bytes';
import {
	OID_ATTR_CONTENT_TYPE,
	OID_ATTR_MESSAGE_DIGEST,
	OID_ATTR_SIGNING_TIME,
	OID_ATTR_SMIME_CAPABILITIES
} from '../base/oids';

/** One entry of SMIMECapabilities: an algorithm the sender can handle, with DER parameters. */
export interface SmimeCapability {
	oid: string;
	/** DER of the parameters, when present. */
	parameters?: Uint8Array;
}

/**
 * Compares two DER encodings the way X.690 §11.6 orders the members of a SET OF:
 * octet by octet, a shorter encoding that is a prefix of the other sorts first.
 */
function compareDer(a: Uint8Array, b: Uint8Array): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const d = (a[i] ?? 0) - (b[i] ?? 0);
		if (d !== 0) return d;
	}
	return a.length - b.length;
}

/** Returns the DER encodings sorted for a SET OF. Does not modify its input. */
function sortDerSet(elements: readonly Uint8Array[]): Uint8Array[] {
	return [...elements].sort(compareDer);
}

/** True when the encodings are already in DER SET OF order. */
export function isDerSorted(elements: readonly Uint8Array[]): boolean {
	for (let i = 1; i < elements.length; i++) {
		const prev = elements[i - 1];
		const cur = elements[i];
		if (prev && cur && compareDer(prev, cur) > 0) return false;
	}
	return true;
}

/** Encodes a SET OF from already-encoded members, sorting them into DER order. */
export function encodeDerSet(elements: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
	const body = concatBytes(sortDerSet(elements));
	return concatBytes([Uint8Array.of(0x31), encodeLength(body.length), body]);
}

/** DER encoding of SMIMECapabilities (a SEQUENCE OF SMIMECapability), in the given order (preference order). */
export function encodeSmimeCapabilities(capabilities: readonly SmimeCapability[]): Uint8Array {
	const seq = new asn1js.Sequence({
		value: capabilities.map((c) => {
			const value: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: c.oid })];
			if (c.parameters) {
				const parsed = asn1js.fromBER(c.parameters.slice());
				if (parsed.offset === -1) throw new Error(`SMIMECapability parameters for ${c.oid} are not DER.`);
				value.push(parsed.result);
			}
			return new asn1js.Sequence({ value });
		})
	});
	return new Uint8Array(seq.toBER());
}

/**
 * Parses the value of an SMIMECapabilities attribute.
 * Returns null when it is not a SEQUENCE OF SMIMECapability.
 */
export function parseSmimeCapabilities(der: Uint8Array): SmimeCapability[] | null {
	const parsed = asn1js.fromBER(der.slice());
	if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return null;
	const out: SmimeCapability[] = [];
	for (const item of parsed.result.valueBlock.value) {
		if (!(item instanceof asn1js.Sequence)) return null;
		const [oid, params] = item.valueBlock.value;
		if (!(oid instanceof asn1js.ObjectIdentifier)) return null;
		const cap: SmimeCapability = { oid: oid.valueBlock.toString() };
		if (params) cap.parameters = new Uint8Array(params.toBER());
		out.push(cap);
	}
	return out;
}

/** What goes into the signed attributes of a signature we make. */
export interface SignedAttributeInput {
	contentType: string;
	messageDigest: Uint8Array;
	signingTime: Date;
	capabilities: readonly SmimeCapability[];
}

/**
 * Encodes contentType, messageDigest, signingTime and SMIMECapabilities as Attribute
 * DER encodings, sorted for the SET OF. SMIMECapabilities is left out when the list is empty.
 */
export function buildSignedAttributes(input: SignedAttributeInput): Uint8Array[] {
	const attr = (oid: string, value: asn1js.AsnType): Uint8Array =>
		new Uint8Array(
			new asn1js.Sequence({
				value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })]
			}).toBER()
		);
	const year = input.signingTime.getUTCFullYear();
	// RFC 5652 §11.3: UTCTime for 1950-2049, GeneralizedTime otherwise.
	const time =
		year >= 1950 && year < 2050
			? new asn1js.UTCTime({ valueDate: input.signingTime })
			: new asn1js.GeneralizedTime({ valueDate: input.signingTime });
	const attrs = [
		attr(OID_ATTR_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: input.contentType })),
		attr(OID_ATTR_MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: input.messageDigest.slice() })),
		attr(OID_ATTR_SIGNING_TIME, time)
	];
	if (input.capabilities.length > 0) {
		const caps = asn1js.fromBER(encodeSmimeCapabilities(input.capabilities).slice()).result;
		attrs.push(attr(OID_ATTR_SMIME_CAPABILITIES, caps));
	}
	return sortDerSet(attrs);
}

/** DER length octets. */
export function encodeLength(length: number): Uint8Array {
	if (length < 0x80) return Uint8Array.of(length);
	const bytes: number[] = [];
	for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
	return Uint8Array.of(0x80 | bytes.length, ...bytes);
}
