/**
 * The certificate value object: one X.509 certificate parsed once from its DER, every fact
 * the other layers ask of it read on first access and cached (as `X509Certificate` does in
 * @peculiar/x509). Key usage, extended key usage, subjectAltName, basicConstraints and the
 * key identifiers are read here and nowhere else.
 *
 * The parsed pkijs structure never leaves this module except through {@link Certificate.pkijs}
 * for pkijs itself (CMS); anything else is handed on as DER bytes.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as O from '../base/oids';
import { equalBytes, exact, toHex } from '../base/bytes';
import { identifyKey, type KeyKindResult } from './key-algorithm';

/** The keyUsage bits (RFC 5280 §4.2.1.3), in bit order: index 0 is digitalSignature. */
export const KEY_USAGE_NAMES = [
	'digitalSignature',
	'nonRepudiation',
	'keyEncipherment',
	'dataEncipherment',
	'keyAgreement',
	'keyCertSign',
	'cRLSign',
	'encipherOnly',
	'decipherOnly'
] as const;

/** One keyUsage bit by its RFC 5280 name. */
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

const EKU_NAMES: Record<string, string> = {
	[O.OID_EKU_SERVER_AUTH]: 'serverAuth',
	[O.OID_EKU_CLIENT_AUTH]: 'clientAuth',
	[O.OID_EKU_CODE_SIGNING]: 'codeSigning',
	[O.OID_EKU_EMAIL_PROTECTION]: 'emailProtection',
	[O.OID_EKU_TIME_STAMPING]: 'timeStamping',
	[O.OID_EKU_OCSP_SIGNING]: 'OCSPSigning',
	[O.OID_EKU_ANY]: 'anyExtendedKeyUsage'
};

/** The OpenSSL short name of an extended key usage, or its OID when it has none. */
export function extendedKeyUsageName(oid: string): string {
	return EKU_NAMES[oid] ?? oid;
}

const NAME_KEYS: Record<string, string> = {
	[O.OID_AT_COUNTRY]: 'C',
	[O.OID_AT_STATE]: 'ST',
	[O.OID_AT_LOCALITY]: 'L',
	[O.OID_AT_ORGANIZATION]: 'O',
	[O.OID_AT_ORGANIZATIONAL_UNIT]: 'OU',
	[O.OID_AT_COMMON_NAME]: 'CN',
	[O.OID_AT_SERIAL_NUMBER]: 'serialNumber',
	[O.OID_AT_SURNAME]: 'SN',
	[O.OID_AT_GIVEN_NAME]: 'GN',
	[O.OID_AT_INITIALS]: 'initials',
	[O.OID_AT_TITLE]: 'title',
	[O.OID_AT_STREET]: 'street',
	[O.OID_AT_POSTAL_CODE]: 'postalCode',
	[O.OID_AT_DN_QUALIFIER]: 'dnQualifier',
	[O.OID_AT_PSEUDONYM]: 'pseudonym',
	[O.OID_AT_ORGANIZATION_IDENTIFIER]: 'organizationIdentifier',
	[O.OID_AT_DOMAIN_COMPONENT]: 'DC',
	[O.OID_AT_USER_ID]: 'UID',
	[O.OID_AT_EMAIL_ADDRESS]: 'emailAddress'
};

/** The slash form of a distinguished name, as OpenSSL's one-line output and Zammad print it. */
function nameToString(name: pkijs.RelativeDistinguishedNames): string {
	return name.typesAndValues
		.map((tv) => {
			const key = NAME_KEYS[tv.type] ?? tv.type;
			const block = tv.value.valueBlock as { value?: unknown };
			const value = typeof block.value === 'string' ? block.value : toHex(new Uint8Array(tv.value.valueBeforeDecodeView));
			return `/${key}=${value}`;
		})
		.join('');
}

/** One subjectAltName entry: its kind as OpenSSL names it, and its value. */
export interface AltName {
	type: 'email' | 'DNS' | 'URI' | 'IP' | 'other';
	/** The name; for an IP address its dotted or colon form; '(binary)' for an `other` entry. */
	value: string;
}

const ALT_NAME_TYPES: Record<number, AltName['type']> = { 1: 'email', 2: 'DNS', 6: 'URI', 7: 'IP' };

function ipText(bytes: Uint8Array): string {
	if (bytes.length === 4) return Array.from(bytes).join('.');
	if (bytes.length === 16) {
		const groups: string[] = [];
		for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16).toUpperCase());
		return groups.join(':');
	}
	return toHex(bytes).toUpperCase();
}

/** basicConstraints (RFC 5280 §4.2.1.9). */
export interface BasicConstraints {
	ca: boolean;
	/** pathLenConstraint: how many CAs may follow this one; null when unlimited (absent); negative when malformed. */
	pathLength: number | null;
}

/** SHA-256 and SHA-1 of the DER, lower-case hex without colons. */
export interface Fingerprints {
	sha256: string;
	sha1: string;
}

/** The message when bytes are not exactly one DER certificate. */
export const NOT_A_CERTIFICATE = 'Not a single DER certificate.';

/**
 * One X.509 certificate, parsed once. Construct with {@link Certificate.parse} (throws on
 * malformed input) or {@link Certificate.tryParse} (null). Every getter is computed on first
 * access and cached; none throws for a parsed certificate (an unreadable extension reads as
 * absent).
 */
export class Certificate {
	/** The DER, exactly as given (an own copy: the caller's buffer may be reused). */
	readonly der: Uint8Array<ArrayBuffer>;
	readonly #cert: pkijs.Certificate;
	#subject?: string;
	#issuer?: string;
	#emails?: string[];
	#altNames?: AltName[];
	#keyUsage?: ReadonlySet<KeyUsageName> | null;
	#eku?: readonly string[] | null;
	#basic?: BasicConstraints | null;
	#keyKind?: KeyKindResult;
	#keySize?: number | null;
	#fingerprints?: Promise<Fingerprints>;
	#selfSigned?: Promise<boolean>;

	private constructor(der: Uint8Array<ArrayBuffer>, cert: pkijs.Certificate) {
		this.der = der;
		this.#cert = cert;
	}

	/**
	 * Parses a DER certificate.
	 * @throws Error {@link NOT_A_CERTIFICATE} when the bytes are not exactly one X.509
	 *   certificate (trailing bytes included)
	 */
	static parse(der: Uint8Array): Certificate {
		const own = new Uint8Array(der);
		const asn = asn1js.fromBER(exact(own));
		if (asn.offset === -1 || asn.offset !== own.byteLength) throw new Error(NOT_A_CERTIFICATE);
		try {
			return new Certificate(own, new pkijs.Certificate({ schema: asn.result }));
		} catch (cause) {
			throw new Error(NOT_A_CERTIFICATE, { cause });
		}
	}

	/** Like {@link Certificate.parse}, but returns null for malformed input. */
	static tryParse(der: Uint8Array): Certificate | null {
		try {
			return Certificate.parse(der);
		} catch {
			return null;
		}
	}

	/**
	 * The parsed pkijs structure, for handing to pkijs itself (CMS SignedData). Do not change
	 * it, and do not pass it to any other library: hand on {@link Certificate.der} instead.
	 */
	get pkijs(): pkijs.Certificate {
		return this.#cert;
	}

	/** The X.509 version: 1, 2 or 3. */
	get version(): number {
		return this.#cert.version + 1;
	}

	/** Subject in OpenSSL's one-line slash form, e.g. `/C=DE/O=Example/CN=alice`. */
	get subject(): string {
		return (this.#subject ??= nameToString(this.#cert.subject));
	}

	/** Issuer in the same slash form as {@link Certificate.subject}. */
	get issuer(): string {
		return (this.#issuer ??= nameToString(this.#cert.issuer));
	}

	/** Serial number, upper-case hex as OpenSSL prints it. */
	get serialNumber(): string {
		return toHex(this.#cert.serialNumber.valueBlock.valueHexView).toUpperCase();
	}

	/** Start of validity. */
	get notBefore(): Date {
		return this.#cert.notBefore.value;
	}

	/** End of validity. */
	get notAfter(): Date {
		return this.#cert.notAfter.value;
	}

	/** Whether `time` lies within the validity period (both ends included). */
	validAt(time: Date): boolean {
		return time >= this.notBefore && time <= this.notAfter;
	}

	/** Whether the issuer name equals the subject name (RFC 5280 name comparison). */
	get selfIssued(): boolean {
		return this.#cert.issuer.isEqual(this.#cert.subject);
	}

	/** Whether `issuer`'s subject name is this certificate's issuer name. */
	issuedByName(issuer: Certificate): boolean {
		return this.#cert.issuer.isEqual(issuer.#cert.subject);
	}

	#extension(oid: string): unknown {
		return this.#cert.extensions?.find((e) => e.extnID === oid)?.parsedValue;
	}

	/** Whether the certificate carries the extension, whatever its value. */
	hasExtension(oid: string): boolean {
		return this.#cert.extensions?.some((e) => e.extnID === oid) ?? false;
	}

	/** The OIDs of the extensions marked critical. */
	get criticalExtensions(): string[] {
		return (this.#cert.extensions ?? []).filter((e) => e.critical).map((e) => e.extnID);
	}

	/** subjectAltName entries in order; empty when the extension is absent. */
	get subjectAltNames(): readonly AltName[] {
		if (this.#altNames) return this.#altNames;
		const value = this.#extension(O.OID_EXT_SUBJECT_ALT_NAME);
		const names = value instanceof pkijs.AltName ? value.altNames : value instanceof pkijs.GeneralNames ? value.names : [];
		this.#altNames = names.map((n): AltName => {
			const type = ALT_NAME_TYPES[n.type] ?? 'other';
			if (type === 'IP' && n.value instanceof asn1js.OctetString) return { type, value: ipText(n.value.valueBlock.valueHexView) };
			return { type, value: typeof n.value === 'string' ? n.value : '(binary)' };
		});
		return this.#altNames;
	}

	/**
	 * The email addresses by the architecture's rule, lower-cased and without repeats: the
	 * subjectAltName rfc822Names, or the subject emailAddress only when the SAN has none.
	 */
	get emails(): readonly string[] {
		if (this.#emails) return this.#emails;
		const fromSan = this.subjectAltNames.filter((n) => n.type === 'email').map((n) => n.value.toLowerCase());
		const fromSubject = this.#cert.subject.typesAndValues
			.filter((tv) => tv.type === O.OID_AT_EMAIL_ADDRESS)
			.map((tv) => {
				const value = (tv.value.valueBlock as { value?: unknown }).value;
				return typeof value === 'string' ? value.toLowerCase() : '';
			})
			.filter((e) => e.length > 0);
		this.#emails = [...new Set(fromSan.length > 0 ? fromSan : fromSubject)];
		return this.#emails;
	}

	/** The keyUsage bits that are set; null when the extension is absent (usage not restricted). */
	get keyUsage(): ReadonlySet<KeyUsageName> | null {
		if (this.#keyUsage !== undefined) return this.#keyUsage;
		const value = this.#extension(O.OID_EXT_KEY_USAGE);
		if (!(value instanceof asn1js.BitString)) return (this.#keyUsage = null);
		const bytes = value.valueBlock.valueHexView;
		this.#keyUsage = new Set(KEY_USAGE_NAMES.filter((_, i) => (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1));
		return this.#keyUsage;
	}

	/** The extendedKeyUsage OIDs; null when the extension is absent (usage not restricted). */
	get extendedKeyUsage(): readonly string[] | null {
		if (this.#eku !== undefined) return this.#eku;
		const value = this.#extension(O.OID_EXT_EXTENDED_KEY_USAGE);
		return (this.#eku = value instanceof pkijs.ExtKeyUsage ? [...value.keyPurposes] : null);
	}

	/** Whether the EKU allows e-mail protection: emailProtection, anyExtendedKeyUsage, or no EKU. */
	get emailProtection(): boolean {
		const eku = this.extendedKeyUsage;
		return eku === null || eku.includes(O.OID_EKU_EMAIL_PROTECTION) || eku.includes(O.OID_EKU_ANY);
	}

	/** basicConstraints; null when the extension is absent. */
	get basicConstraints(): BasicConstraints | null {
		if (this.#basic !== undefined) return this.#basic;
		const value = this.#extension(O.OID_EXT_BASIC_CONSTRAINTS);
		if (!(value instanceof pkijs.BasicConstraints)) return (this.#basic = null);
		this.#basic = { ca: value.cA, pathLength: pathLength(value.pathLenConstraint) };
		return this.#basic;
	}

	/** Whether basicConstraints says CA:TRUE. */
	get isCA(): boolean {
		return this.basicConstraints?.ca === true;
	}

	/** The subjectKeyIdentifier (a copy), or null when absent. */
	get subjectKeyIdentifier(): Uint8Array | null {
		const value = this.#extension(O.OID_EXT_SUBJECT_KEY_IDENTIFIER);
		return value instanceof asn1js.OctetString ? value.valueBlock.valueHexView.slice() : null;
	}

	/** The keyIdentifier of authorityKeyIdentifier (a copy), or null when absent. */
	get authorityKeyIdentifier(): Uint8Array | null {
		const value = this.#extension(O.OID_EXT_AUTHORITY_KEY_IDENTIFIER);
		return value instanceof pkijs.AuthorityKeyIdentifier && value.keyIdentifier ? value.keyIdentifier.valueBlock.valueHexView.slice() : null;
	}

	/** The key algorithm of the SubjectPublicKeyInfo, or the name of an unsupported one. */
	get keyKind(): KeyKindResult {
		if (this.#keyKind) return this.#keyKind;
		const alg = this.#cert.subjectPublicKeyInfo.algorithm;
		return (this.#keyKind = identifyKey(alg.algorithmId, alg.algorithmParams as asn1js.AsnType | undefined));
	}

	/** The key size in bits (RSA modulus length, EC curve size, 256 for Ed25519/X25519); null when unknown. */
	get keySize(): number | null {
		if (this.#keySize !== undefined) return this.#keySize;
		const kind = this.keyKind;
		if (!kind.ok) return (this.#keySize = null);
		switch (kind.kind.algorithm) {
			case 'RSA':
				return (this.#keySize = rsaBits(this.#cert));
			case 'EC':
				return (this.#keySize = Number(kind.kind.curve.slice(2)));
			default:
				return (this.#keySize = 256);
		}
	}

	/** The SubjectPublicKeyInfo DER. */
	get subjectPublicKeyInfo(): Uint8Array<ArrayBuffer> {
		return new Uint8Array(this.#cert.subjectPublicKeyInfo.toSchema().toBER());
	}

	/** SHA-256 and SHA-1 of the DER (computed once). */
	fingerprints(crypto: Crypto): Promise<Fingerprints> {
		this.#fingerprints ??= Promise.all([crypto.subtle.digest('SHA-256', this.der), crypto.subtle.digest('SHA-1', this.der)]).then(([a, b]) => ({
			sha256: toHex(new Uint8Array(a)),
			sha1: toHex(new Uint8Array(b))
		}));
		return this.#fingerprints;
	}

	/** Whether this certificate has the same DER as `other`. */
	equals(other: Certificate): boolean {
		return equalBytes(this.der, other.der);
	}

	/**
	 * Whether `issuer`'s public key verifies this certificate's signature. Never throws: an
	 * unsupported or malformed signature is false.
	 */
	async verifiedBy(issuer: Certificate, crypto: Crypto): Promise<boolean> {
		try {
			const engine = new pkijs.CryptoEngine({ name: 'sealdesk', crypto });
			return await this.#cert.verify(issuer.#cert, engine);
		} catch {
			return false;
		}
	}

	/** Whether the certificate is self-issued and its own key verifies its signature (computed once). */
	isSelfSigned(crypto: Crypto): Promise<boolean> {
		this.#selfSigned ??= this.selfIssued ? this.verifiedBy(this, crypto) : Promise.resolve(false);
		return this.#selfSigned;
	}
}

/**
 * pathLenConstraint as a number. pkijs gives a number up to three bytes, and from four bytes on
 * an asn1js Integer whose `valueDec` is 0: reading that would turn pathlen:2147483647 into
 * pathlen:0. So the value is read from its bytes: capped at Number.MAX_SAFE_INTEGER (no path is
 * that long), and a negative (malformed) value is kept, so that no path fits under it.
 */
function pathLength(value: unknown): number | null {
	if (typeof value === 'number') return value;
	if (!(value instanceof asn1js.Integer)) return null;
	const bytes = value.valueBlock.valueHexView;
	if ((bytes[0] ?? 0) & 0x80) return -1;
	let n = 0;
	for (const b of bytes) {
		n = n * 256 + b;
		if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
	}
	return n;
}

function rsaBits(cert: pkijs.Certificate): number | null {
	try {
		const parsed = asn1js.fromBER(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
		const rsa = new pkijs.RSAPublicKey({ schema: parsed.result });
		const n = rsa.modulus.valueBlock.valueHexView;
		let i = 0;
		while (i < n.length && n[i] === 0) i++;
		const top = n[i] ?? 0;
		return (n.length - i - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
	} catch {
		return null;
	}
}
