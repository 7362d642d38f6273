/** The sending algorithm policy: what we advertise, CBC/GCM and PKCS#1 v1.5/OAEP choices. */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as O from '../../src/lib/base/oids';
import { encodeSmimeCapabilities, parseSmimeCapabilities } from '../../src/lib/cms/attributes';
import { algId, derNull, seq } from '../../src/lib/cms/enveloped-asn1';
import {
	advertisesGcm,
	advertisesOaepSha256,
	chooseContentEncryption,
	chooseKeyTransport,
	normalizeCapabilities,
	OAEP_SHA256_PARAMS,
	ourCapabilities
} from '../../src/lib/smime/algorithm-policy';
import { tempDir } from '../interop/outgoing-helpers';

describe('what we advertise', () => {
	test('RSA: authenticated ciphers first, CBC after, then OAEP-SHA256 and rsaEncryption; never 3DES', () => {
		const oids = ourCapabilities('RSA').map((c) => c.oid);
		expect(oids.slice(0, 3)).toEqual([O.OID_AES256_GCM, O.OID_AES128_GCM, O.OID_CHACHA20_POLY1305]);
		expect(oids).toContain(O.OID_AES256_CBC);
		expect(oids.indexOf(O.OID_RSAES_OAEP)).toBeLessThan(oids.indexOf(O.OID_RSA_ENCRYPTION));
		expect(oids).not.toContain(O.OID_DES_EDE3_CBC);
		expect(ourCapabilities('EC').map((c) => c.oid)).toContain(O.OID_DH_SINGLE_PASS_SHA256KDF);
		expect(ourCapabilities('Ed25519').map((c) => c.oid)).not.toContain(O.OID_RSAES_OAEP);
	});

	test('the SMIMECapabilities DER parses back, and openssl reads the OAEP parameters as SHA-256 with MGF1-SHA-256', () => {
		const der = encodeSmimeCapabilities(ourCapabilities('RSA'));
		const back = parseSmimeCapabilities(der);
		expect(back?.map((c) => c.oid)).toEqual(ourCapabilities('RSA').map((c) => c.oid));
		expect(advertisesOaepSha256(back)).toBe(true);
		expect(advertisesGcm(back)).toBe(true);
		const file = join(tempDir(), 'oaep.der');
		writeFileSync(file, OAEP_SHA256_PARAMS);
		const printed = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', file]).toString();
		expect(printed.match(/:sha256/g)).toHaveLength(2);
		expect(printed).toContain(':mgf1');
	});
});

describe('choosing', () => {
	const gcm = [{ oid: O.OID_AES256_GCM }, { oid: O.OID_AES256_CBC }];
	const cbc = [{ oid: O.OID_AES256_CBC }];

	test('auto: GCM only when every recipient advertised AES-256-GCM', () => {
		expect(chooseContentEncryption([{ capabilities: gcm }, { capabilities: gcm }], 'auto')).toBe('aes-256-gcm');
		expect(chooseContentEncryption([{ capabilities: gcm }, { capabilities: cbc }], 'auto')).toBe('aes-256-cbc');
		expect(chooseContentEncryption([{ capabilities: gcm }, { capabilities: null }], 'auto')).toBe('aes-256-cbc');
		expect(chooseContentEncryption([{ capabilities: [{ oid: O.OID_AES128_GCM }] }], 'auto')).toBe('aes-256-cbc');
		expect(chooseContentEncryption([], 'auto')).toBe('aes-256-cbc');
	});

	test('the admin setting forces either', () => {
		expect(chooseContentEncryption([{ capabilities: null }], 'gcm')).toBe('aes-256-gcm');
		expect(chooseContentEncryption([{ capabilities: gcm }], 'cbc')).toBe('aes-256-cbc');
	});

	test('OAEP only when advertised with SHA-256; OAEP with the SHA-1 defaults or nothing means PKCS#1 v1.5', () => {
		expect(chooseKeyTransport([{ oid: O.OID_RSAES_OAEP, parameters: OAEP_SHA256_PARAMS }])).toBe('rsa-oaep-sha256');
		expect(chooseKeyTransport([{ oid: O.OID_RSAES_OAEP }])).toBe('rsa-pkcs1');
		const sha384 = seq(algId(O.OID_SHA384, derNull()));
		expect(chooseKeyTransport([{ oid: O.OID_RSAES_OAEP, parameters: sha384 }])).toBe('rsa-pkcs1');
		expect(chooseKeyTransport(null)).toBe('rsa-pkcs1');
		expect(chooseKeyTransport([{ oid: O.OID_RSA_ENCRYPTION }])).toBe('rsa-pkcs1');
	});

	test('recorded capabilities are read defensively', () => {
		expect(normalizeCapabilities(null)).toBeNull();
		expect(normalizeCapabilities({ oid: 'x' })).toBeNull();
		expect(normalizeCapabilities([O.OID_AES256_GCM, { oid: O.OID_RSAES_OAEP, parameters: OAEP_SHA256_PARAMS }, 7, { nope: 1 }, { oid: 'y', parameters: 'z' }])).toEqual([
			{ oid: O.OID_AES256_GCM },
			{ oid: O.OID_RSAES_OAEP, parameters: OAEP_SHA256_PARAMS },
			{ oid: 'y' }
		]);
	});
});
