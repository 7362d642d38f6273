/**
 * Every object identifier the app names, at the bottom of the layers: pki/, cms/, smime/ and
 * legacy/ import their OIDs from here and write none inline. This module imports nothing.
 * One constant per line so that helpers can append without conflicts; never rewrite this
 * file wholesale.
 */

// Content types (RFC 5652, RFC 5083)
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
export const OID_AUTH_ENVELOPED_DATA = '1.2.840.113549.1.9.16.1.23';

// Signed attributes (RFC 5652, RFC 8551)
export const OID_ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_ATTR_SMIME_CAPABILITIES = '1.2.840.113549.1.9.15';

// Digests
export const OID_MD5 = '1.2.840.113549.2.5';
export const OID_SHA1 = '1.3.14.3.2.26';
export const OID_SHA224 = '2.16.840.1.101.3.4.2.4';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
export const OID_SHA512 = '2.16.840.1.101.3.4.2.3';

// RSA
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_MD5_WITH_RSA = '1.2.840.113549.1.1.4';
export const OID_SHA1_WITH_RSA = '1.2.840.113549.1.1.5';
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_SHA384_WITH_RSA = '1.2.840.113549.1.1.12';
export const OID_SHA512_WITH_RSA = '1.2.840.113549.1.1.13';
export const OID_SHA224_WITH_RSA = '1.2.840.113549.1.1.14';

// Elliptic curves
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_ECDSA_WITH_SHA1 = '1.2.840.10045.4.1';
export const OID_ECDSA_WITH_SHA224 = '1.2.840.10045.4.3.1';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';
export const OID_ECDSA_WITH_SHA512 = '1.2.840.10045.4.3.4';
export const OID_CURVE_P256 = '1.2.840.10045.3.1.7';
export const OID_CURVE_P384 = '1.3.132.0.34';
export const OID_CURVE_P521 = '1.3.132.0.35';
export const OID_X25519 = '1.3.101.110';
export const OID_ED25519 = '1.3.101.112';

// Content encryption (advertised in SMIMECapabilities)
export const OID_AES128_CBC = '2.16.840.1.101.3.4.1.2';
export const OID_AES192_CBC = '2.16.840.1.101.3.4.1.22';
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
export const OID_AES128_GCM = '2.16.840.1.101.3.4.1.6';
export const OID_AES192_GCM = '2.16.840.1.101.3.4.1.26';
export const OID_AES256_GCM = '2.16.840.1.101.3.4.1.46';
export const OID_DES_EDE3_CBC = '1.2.840.113549.3.7';
export const OID_CHACHA20_POLY1305 = '1.2.840.113549.1.9.16.3.18';

// Certificate extensions and purposes (RFC 5280)
export const OID_EXT_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
export const OID_EXT_KEY_USAGE = '2.5.29.15';
export const OID_EXT_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_EXT_ISSUER_ALT_NAME = '2.5.29.18';
export const OID_EXT_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_EXT_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
export const OID_EXT_CERTIFICATE_POLICIES = '2.5.29.32';
export const OID_EXT_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
export const OID_EXT_EXTENDED_KEY_USAGE = '2.5.29.37';
export const OID_EXT_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
export const OID_EKU_ANY = '2.5.29.37.0';
export const OID_EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const OID_EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const OID_EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
export const OID_EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
export const OID_EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
export const OID_EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

// Name attributes (RFC 5280, RFC 4519, RFC 2985)
export const OID_AT_COMMON_NAME = '2.5.4.3';
export const OID_AT_SURNAME = '2.5.4.4';
export const OID_AT_SERIAL_NUMBER = '2.5.4.5';
export const OID_AT_COUNTRY = '2.5.4.6';
export const OID_AT_LOCALITY = '2.5.4.7';
export const OID_AT_STATE = '2.5.4.8';
export const OID_AT_STREET = '2.5.4.9';
export const OID_AT_ORGANIZATION = '2.5.4.10';
export const OID_AT_ORGANIZATIONAL_UNIT = '2.5.4.11';
export const OID_AT_TITLE = '2.5.4.12';
export const OID_AT_POSTAL_CODE = '2.5.4.17';
export const OID_AT_GIVEN_NAME = '2.5.4.42';
export const OID_AT_INITIALS = '2.5.4.43';
export const OID_AT_DN_QUALIFIER = '2.5.4.46';
export const OID_AT_PSEUDONYM = '2.5.4.65';
export const OID_AT_ORGANIZATION_IDENTIFIER = '2.5.4.97';
export const OID_AT_DOMAIN_COMPONENT = '0.9.2342.19200300.100.1.25';
export const OID_AT_USER_ID = '0.9.2342.19200300.100.1.1';
export const OID_AT_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

// Public-key algorithms and curves refused with their names (key-algorithm.ts)
export const OID_DSA = '1.2.840.10040.4.1';
export const OID_DH_X942 = '1.2.840.10046.2.1';
export const OID_ED448 = '1.3.101.113';
export const OID_X448 = '1.3.101.111';
export const OID_GOST_2012_256 = '1.2.643.7.1.1.1.1';
export const OID_CURVE_P192 = '1.2.840.10045.3.1.1';
export const OID_CURVE_P224 = '1.3.132.0.33';
export const OID_CURVE_SECP256K1 = '1.3.132.0.10';
export const OID_CURVE_BRAINPOOL_P256R1 = '1.3.36.3.3.2.8.1.1.7';
export const OID_CURVE_BRAINPOOL_P384R1 = '1.3.36.3.3.2.8.1.1.11';
export const OID_CURVE_BRAINPOOL_P512R1 = '1.3.36.3.3.2.8.1.1.13';

// Password-based encryption and PKCS#12 (RFC 8018, RFC 7292, RFC 9579)
export const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBMAC1 = '1.2.840.113549.1.5.14';
/** Prefix of the PBES1 algorithms (RFC 8018 A.3). */
export const OID_PREFIX_PBES1 = '1.2.840.113549.1.5.';
/** Prefix of the PKCS#12 PBE algorithms (pbeWithSHAAnd…, RFC 7292 Appendix C). */
export const OID_PREFIX_PKCS12_PBE = '1.2.840.113549.1.12.1.';
export const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
export const OID_PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
export const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
export const OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
export const OID_HMAC_SHA1 = '1.2.840.113549.2.7';
export const OID_HMAC_SHA224 = '1.2.840.113549.2.8';
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
export const OID_HMAC_SHA384 = '1.2.840.113549.2.10';
export const OID_HMAC_SHA512 = '1.2.840.113549.2.11';

// Key transport, key agreement and key wrap (RFC 3560, RFC 5753, RFC 8418, RFC 3394)
export const OID_DH_SINGLE_PASS_SHA1KDF = '1.3.133.16.840.63.0.2';
export const OID_DH_SINGLE_PASS_SHA224KDF = '1.3.132.1.11.0';
export const OID_DH_SINGLE_PASS_SHA256KDF = '1.3.132.1.11.1';
export const OID_DH_SINGLE_PASS_SHA384KDF = '1.3.132.1.11.2';
export const OID_DH_SINGLE_PASS_SHA512KDF = '1.3.132.1.11.3';
export const OID_DH_SINGLE_PASS_HKDF_SHA256 = '1.2.840.113549.1.9.16.3.19';
export const OID_DH_SINGLE_PASS_HKDF_SHA384 = '1.2.840.113549.1.9.16.3.20';
export const OID_DH_SINGLE_PASS_HKDF_SHA512 = '1.2.840.113549.1.9.16.3.21';
export const OID_AES128_WRAP = '2.16.840.1.101.3.4.1.5';
export const OID_AES192_WRAP = '2.16.840.1.101.3.4.1.25';
export const OID_AES256_WRAP = '2.16.840.1.101.3.4.1.45';
export const OID_DES3_WRAP = '1.2.840.113549.1.9.16.3.6';
