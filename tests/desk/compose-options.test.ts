/**
 * Issue 5: desk.securityOptions({ from, to, cc, group }) with the shared test PKI. The
 * sentences are Zammad's (lib/secure_mailing/smime/security_options.rb); the defaults follow
 * the seed's "Default Behavior": on wherever possible, unless the group turns them off.
 */
import { describe, expect, test } from 'vitest';
import { openDesk } from '../../src/lib/desk/desk';
import { IDBFactory } from 'fake-indexeddb';
import { deskWith } from '../interop/outgoing-helpers';

const A = 'alice@sealdesk.test';
const B = 'bob@sealdesk.test';
const C = 'carol@sealdesk.test';

describe('signing', () => {
	test('From with certificate and private key: possible, "The certificate for %s was found."', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const o = await desk.securityOptions({ from: A, to: [B] });
		expect(o.sign).toEqual({ possible: true, comment: `The certificate for ${A} was found.`, default: true });
	});

	test('the From address matches case-insensitively and may carry a display name', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		const o = await desk.securityOptions({ from: 'Alice Agent <ALICE@Sealdesk.Test>', to: [B] });
		expect(o.sign.possible).toBe(true);
		expect(o.sign.comment).toBe(`The certificate for ${A} was found.`);
	});

	test('a certificate without its private key is not found for signing', async () => {
		const desk = await deskWith(['bob']);
		const o = await desk.securityOptions({ from: B, to: [A] });
		expect(o.sign).toEqual({ possible: false, comment: `The certificate for ${B} was not found.`, default: false });
	});

	test.each([
		['expired', new Date('2026-11-29T04:00:00Z')],
		['future', new Date('2026-11-29T04:00:00Z')],
		['alice', new Date('2046-01-01T00:00:00Z')]
	])('%s: found, but not valid now', async (name, now) => {
		const desk = await deskWith([name], [name], now);
		const email = `${name}@sealdesk.test`;
		const o = await desk.securityOptions({ from: email, to: [B] });
		expect(o.sign).toEqual({ possible: false, comment: `The certificate for ${email} was found, but it is not valid yet or has expired.`, default: false });
	});

	test('no From: "There was no certificate found."', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		expect((await desk.securityOptions({ from: '', to: [B] })).sign.comment).toBe('There was no certificate found.');
		expect((await desk.securityOptions({ to: [B] })).sign.possible).toBe(false);
	});

	test('X25519 (keyAgreement only) cannot sign; Ed25519 can', async () => {
		const desk = await deskWith(['grace', 'frank'], ['grace', 'frank']);
		expect((await desk.securityOptions({ from: 'grace@sealdesk.test', to: [B] })).sign.possible).toBe(false);
		expect((await desk.securityOptions({ from: 'frank@sealdesk.test', to: [B] })).sign.possible).toBe(true);
	});
});

describe('encryption', () => {
	test('one recipient with a valid certificate', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const o = await desk.securityOptions({ from: A, to: [B] });
		expect(o.encrypt).toEqual({ possible: true, comment: `The certificate for ${B} was found.`, default: true });
	});

	test('several recipients (To and Cc): plural sentence naming all of them', async () => {
		const desk = await deskWith(['alice', 'bob', 'carol', 'grace'], ['alice']);
		const o = await desk.securityOptions({ from: A, to: `${B}, Carol <${C}>`, cc: ['grace@sealdesk.test'] });
		expect(o.encrypt).toEqual({ possible: true, comment: `The certificates for ${B}, ${C}, grace@sealdesk.test were found.`, default: true });
	});

	test('missing certificates: named in the "not found" sentence', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		expect((await desk.securityOptions({ from: A, to: ['nobody@example.com'] })).encrypt).toEqual({
			possible: false,
			comment: 'The certificate for nobody@example.com was not found.',
			default: false
		});
		expect((await desk.securityOptions({ from: A, to: [B, 'x@example.com'], cc: ['y@example.com'] })).encrypt.comment).toBe(
			'The certificates for x@example.com, y@example.com were not found.'
		);
	});

	test('an expired or not yet valid recipient certificate', async () => {
		const desk = await deskWith(['alice', 'bob', 'expired', 'future'], ['alice']);
		expect((await desk.securityOptions({ from: A, to: ['expired@sealdesk.test'] })).encrypt).toEqual({
			possible: false,
			comment: 'The certificate for expired@sealdesk.test was found, but it is not valid yet or has expired.',
			default: false
		});
		expect((await desk.securityOptions({ from: A, to: [B, 'future@sealdesk.test'] })).encrypt.comment).toBe(
			`There were certificates found for ${B}, future@sealdesk.test, but at least one of them is not valid yet or has expired.`
		);
	});

	test('a sign-only certificate (no keyEncipherment) is not found for encryption', async () => {
		const desk = await deskWith(['alice', 'signonly', 'frank'], ['alice']);
		expect((await desk.securityOptions({ from: A, to: ['signonly@sealdesk.test'] })).encrypt.comment).toBe(
			'The certificate for signonly@sealdesk.test was not found.'
		);
		expect((await desk.securityOptions({ from: A, to: ['frank@sealdesk.test'] })).encrypt.possible).toBe(false);
	});

	test('no recipient: "There was no recipient found."', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		expect((await desk.securityOptions({ from: A, to: [], cc: [] })).encrypt).toEqual({ possible: false, comment: 'There was no recipient found.', default: false });
	});

	test('the sender without an encryption certificate does not stop encryption to others', async () => {
		const desk = await deskWith(['frank', 'bob'], ['frank']);
		expect((await desk.securityOptions({ from: 'frank@sealdesk.test', to: [B] })).encrypt.possible).toBe(true);
	});
});

describe('defaults and groups', () => {
	test('a group can turn either default off; possible stays as it is', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const group = await desk.saveGroup({ name: 'Support', email: A, sign: false, encrypt: true });
		const byId = await desk.securityOptions({ from: A, to: [B], group: group.id });
		expect(byId.sign).toMatchObject({ possible: true, default: false });
		expect(byId.encrypt).toMatchObject({ possible: true, default: true });
		// Without a group id, the group whose sender email is From applies.
		const byEmail = await desk.securityOptions({ from: A, to: [B] });
		expect(byEmail.sign.default).toBe(false);
		await desk.saveGroup({ ...group, sign: true, encrypt: false });
		const changed = await desk.securityOptions({ from: A, to: [B], group: group.id });
		expect(changed.sign.default).toBe(true);
		expect(changed.encrypt.default).toBe(false);
	});

	test('a group default never turns on what is impossible', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		await desk.saveGroup({ name: 'Sales', email: A });
		const o = await desk.securityOptions({ from: A, to: ['nobody@example.com'] });
		expect(o.encrypt).toMatchObject({ possible: false, default: false });
	});

	test('while S/MIME is off, nothing is possible', async () => {
		const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'off' });
		const o = await desk.securityOptions({ from: A, to: [B] });
		expect(o).toEqual({
			sign: { possible: false, comment: 'S/MIME is turned off.', default: false },
			encrypt: { possible: false, comment: 'S/MIME is turned off.', default: false }
		});
	});
});

describe('group settings API', () => {
	test('listGroups, saveGroup (sign and encrypt default on), deleteGroup', async () => {
		const desk = await deskWith([]);
		const support = await desk.saveGroup({ name: 'Support', email: 'Support@Sealdesk.Test' });
		expect(support).toMatchObject({ name: 'Support', email: 'support@sealdesk.test', sign: true, encrypt: true });
		const billing = await desk.saveGroup({ name: 'Billing', email: 'billing@sealdesk.test', sign: false, encrypt: false });
		expect((await desk.listGroups()).map((g) => g.name)).toEqual(['Billing', 'Support']);
		await desk.saveGroup({ id: support.id, name: 'Support EU', email: 'support@sealdesk.test', sign: true, encrypt: false });
		expect((await desk.listGroups()).find((g) => g.id === support.id)).toEqual({ id: support.id, name: 'Support EU', email: 'support@sealdesk.test', sign: true, encrypt: false });
		await desk.deleteGroup(billing.id);
		expect((await desk.listGroups()).map((g) => g.id)).toEqual([support.id]);
		await expect(desk.deleteGroup(billing.id)).rejects.toThrow('No group has this id.');
	});

	test('invalid groups are refused with a sentence and nothing is stored', async () => {
		const desk = await deskWith([]);
		await expect(desk.saveGroup({ name: ' ', email: 'a@sealdesk.test' })).rejects.toThrow('The group needs a name.');
		await expect(desk.saveGroup({ name: 'X', email: 'not an address' })).rejects.toThrow('The email address "not an address" is not valid.');
		await expect(desk.saveGroup({ id: 'missing', name: 'X', email: 'a@sealdesk.test' })).rejects.toThrow('No group has this id.');
		expect(await desk.listGroups()).toEqual([]);
	});

	test('send settings: content encryption and RSA signature scheme', async () => {
		const desk = await deskWith([]);
		expect(await desk.contentEncryption()).toBe('auto');
		expect(await desk.signatureScheme()).toBe('pkcs1');
		await desk.setContentEncryption('gcm');
		await desk.setSignatureScheme('pss');
		expect(await desk.contentEncryption()).toBe('gcm');
		expect(await desk.signatureScheme()).toBe('pss');
		// @ts-expect-error: an invalid value from an untyped caller
		await expect(desk.setContentEncryption('aes-128-cbc')).rejects.toThrow('The content encryption must be auto, cbc or gcm.');
		// @ts-expect-error: an invalid value from an untyped caller
		await expect(desk.setSignatureScheme('sha1')).rejects.toThrow('The signature scheme must be pkcs1 or pss.');
		expect(await desk.contentEncryption()).toBe('gcm');
	});
});
