/**
 * Types for the node-forge submodules the legacy layer imports. The library policy is
 * "submodules only": `node-forge/lib/forge.js` is the bare namespace object, and each
 * submodule imported for its side effect adds its part to it (asn1, rsa, des, pkcs12…), so
 * the bundle carries only what these files use, not TLS, SSH, Ed25519, KEM or PKCS#7.
 * The namespace keeps @types/node-forge's type; only the parts imported exist at run time.
 */
declare module 'node-forge/lib/forge.js' {
	import forge from 'node-forge';
	export default forge;
}
declare module 'node-forge/lib/aes.js';
declare module 'node-forge/lib/asn1.js';
declare module 'node-forge/lib/des.js';
declare module 'node-forge/lib/md5.js';
declare module 'node-forge/lib/oids.js';
declare module 'node-forge/lib/pbe.js';
declare module 'node-forge/lib/pbkdf2.js';
declare module 'node-forge/lib/pkcs12.js';
declare module 'node-forge/lib/rsa.js';
declare module 'node-forge/lib/util.js';
declare module 'node-forge/lib/x509.js';
