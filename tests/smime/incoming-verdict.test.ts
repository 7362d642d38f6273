/** The sign status precedence of the architecture: invalid, untrusted, expired, sender-mismatch, valid. */
import { describe, expect, test } from 'vitest';
import type { DecryptResult } from '../../src/lib/cms/enveloped';
import type { SignerVerdict } from '../../src/lib/smime/incoming-sign';
import { encryptionResult, signResult, type FoundLayer } from '../../src/lib/smime/incoming-verdict';

const cert = new Uint8Array([1]);
const v = {
	valid: { status: 'valid', comment: '/CN=Anchor', emails: ['a@x.test'], trusted: { certificate: cert, capabilities: [] } },
	expired: { status: 'expired', comment: '/CN=Old (Certificate … expired!)', emails: ['a@x.test'], trusted: { certificate: cert, capabilities: [] } },
	untrusted: { status: 'untrusted', comment: 'The certificate for verification could not be found.', emails: ['a@x.test'] },
	invalid: { status: 'invalid', comment: 'The signature is invalid: The content was changed after it was signed.', emails: [] }
} satisfies Record<string, SignerVerdict>;

const signed = (...verdicts: SignerVerdict[]): FoundLayer => ({ kind: 'signed', form: 'detached', layer: { verdicts, content: null } });

describe('signResult', () => {
	const orders: [string, SignerVerdict[], string, string | undefined][] = [
		['invalid beats everything', [v.valid, v.expired, v.untrusted, v.invalid], 'invalid', 'other@x.test'],
		['untrusted beats expired and a mismatch', [v.valid, v.expired, v.untrusted], 'untrusted', 'other@x.test'],
		['expired beats a sender mismatch', [v.valid, v.expired], 'expired', 'other@x.test'],
		['a sender mismatch beats valid', [v.valid], 'sender-mismatch', 'other@x.test'],
		['valid when nothing else holds', [v.valid], 'valid', 'a@x.test']
	];
	for (const [name, verdicts, status, from] of orders) {
		test(name, () => {
			expect(signResult([signed(...verdicts)], from).status).toBe(status);
		});
	}

	test('several layers combine by the same precedence', () => {
		expect(signResult([signed(v.valid), { kind: 'encrypted', result: null }, signed(v.untrusted)], 'a@x.test').status).toBe('untrusted');
	});

	test('no signature layer: none', () => {
		expect(signResult([], 'a@x.test')).toEqual({ status: 'none', comment: 'The message is not signed.' });
	});

	test('a weak algorithm is named in the comment of a trusted signature', () => {
		expect(signResult([signed({ ...v.valid, weak: 'SHA-1' })], 'a@x.test').comment).toBe('/CN=Anchor The signature uses SHA-1, a weak algorithm.');
	});

	test('an untrusted signer is never named', () => {
		expect(signResult([signed(v.untrusted)], 'a@x.test').signer).toBeUndefined();
	});
});

describe('encryptionResult', () => {
	const layer = (result: DecryptResult | null): FoundLayer[] => [{ kind: 'encrypted', result }];
	test('strict custody is a failure with the strict-custody sentence; a locked vault says so instead', () => {
		const r: DecryptResult = { status: 'strict-custody', comment: 'x' };
		expect(encryptionResult(layer(r), 'strict-custody')).toEqual({ status: 'failed', comment: 'The sender used RSA PKCS#1 v1.5, which strict key custody does not allow.' });
		expect(encryptionResult(layer(r), 'vault-locked')).toEqual({ status: 'failed', comment: 'The key vault is locked. Unlock it and retry to decrypt this message.' });
	});

	test('an unreadable envelope fails like any other decryption failure', () => {
		expect(encryptionResult(layer(null), undefined)).toEqual({ status: 'failed', comment: 'The message could not be decrypted.' });
	});

	test('no encryption layer: null', () => {
		expect(encryptionResult([signed(v.valid)], undefined)).toBeNull();
	});
});
