/**
 * Algorithms WebCrypto lacks: RSA PKCS#1 v1.5 key transport, 3DES, legacy PKCS#12 PBE and
 * OpenSSL's encrypted PEM, all over node-forge. The other layers load these files lazily
 * with dynamic import(), only when a message or file needs them; this barrel is for
 * documentation and tests, and is not imported by the app.
 */
export { rsaPkcs1Encrypt, rsaPkcs1DecryptImplicit } from './rsa-pkcs1';
export { des3CbcDecrypt, des3KeyUnwrap } from './des';
export { decryptOpenSslPem, type OpenSslPemResult } from './openssl-pem';
export { decryptLegacyPkcs8, type PbeResult } from './pbe';
export { isPkcs12, readPkcs12, type Pkcs12Contents, type Pkcs12Result } from './pkcs12';
