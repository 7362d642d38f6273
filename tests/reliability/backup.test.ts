/**
 * Backup and restore (issue 9): every certificate exported as one PEM bundle and the log as
 * JSON or CSV, imported back on another profile (a second database); private keys are not
 * exported, and the desk says so.
 */
import { IDBFactory } from 'fake-indexeddb';
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { KEYS_NOT_EXPORTABLE } from '../../src/lib/desk/backup';
import { content, loadPki, withHeaders } from '../smime/mail';
import { tmpFile } from '../smime/helpers';
import { freshDesk } from '../desk/receive-helpers';

async function profile(name: string): Promise<Desk> {
	// A day before the filled profile: its own log entries (S/MIME enabled) are not the imported ones.
	const desk = await openDesk({ indexedDB: new IDBFactory(), name, now: () => new Date('2026-11-28T12:00:00Z') });
	await desk.setEnabled(true);
	return desk;
}

async function filled(): Promise<Desk> {
	const { desk } = await freshDesk({ now: new Date('2026-11-29T12:00:00Z') });
	await loadPki(desk, ['bob', 'carol'], ['root-ca', 'inter-ca', 'alice']);
	await desk.receive(withHeaders(content('a log line, with "quotes", commas\r\nand a line break'), { subject: 'x' }));
	return desk;
}

test('the PEM bundle holds every certificate, openssl reads it, and it imports whole on another profile (without keys)', async () => {
	const desk = await filled();
	const pem = await desk.exportCertificates();
	const certs = await desk.listCertificates();
	expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(certs.length);
	const subjects = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', tmpFile(pem, 'pem')], { encoding: 'buffer' });
	const printed = execFileSync('openssl', ['pkcs7', '-print_certs', '-noout', '-in', tmpFile(subjects, 'p7')], { encoding: 'utf8' });
	expect(printed.match(/^subject=/gm)).toHaveLength(certs.length);

	const other = await profile('other');
	const summary = await other.importFile({ name: 'certificates.pem', data: pem });
	expect(summary.certificates.map((c) => c.fingerprint).sort()).toEqual(certs.map((c) => c.fingerprint).sort());
	expect(summary.privateKeys).toEqual([]);
	expect((await other.listCertificates()).every((c) => !c.hasPrivateKey)).toBe(true);
	expect(KEYS_NOT_EXPORTABLE).toMatch(/cannot be exported.*\.p12/);
});

test.each(['json', 'csv'] as const)('the log as %s imports back on another profile, once, in the same order', async (format) => {
	const desk = await filled();
	const original = await desk.logs();
	const exported = await desk.exportLogs(format);
	const other = await profile(`logs-${format}`);
	const before = await other.logs();
	expect(await other.importLogs({ data: exported })).toEqual({ imported: original.length, skipped: 0 });
	const strip = (l: { at: string; direction: string; operation: string; status: string; detail: string; messageId: string | null }): unknown => ({ at: l.at, direction: l.direction, operation: l.operation, status: l.status, detail: l.detail, messageId: l.messageId });
	const restored = (await other.logs()).slice(0, original.length);
	expect(restored.map(strip)).toEqual(original.map(strip));
	// Importing again adds nothing.
	expect(await other.importLogs({ data: new TextEncoder().encode(exported) })).toEqual({ imported: 0, skipped: original.length });
	expect(await other.logs()).toHaveLength(original.length + before.length);
});

test('a file that is not a Sealdesk log is refused with a sentence, and nothing is imported', async () => {
	const desk = await profile('refuse');
	const before = await desk.logs();
	await expect(desk.importLogs({ data: 'name,value\r\na,b\r\n' })).rejects.toThrow(/^The log file is not a Sealdesk log/);
	await expect(desk.importLogs({ data: '[{"at":"yesterday"}]' })).rejects.toThrow('Entry 1 of the log file is not a Sealdesk log entry.');
	await expect(desk.importLogs({ data: '[ not json' })).rejects.toThrow('The log file is not valid JSON.');
	await expect(desk.exportLogs('xml' as 'csv')).rejects.toThrow('The log can be exported as JSON or CSV.');
	// Nothing imported; each refusal is in Recent Logs with its sentence (issue 19).
	const after = await desk.logs();
	expect(after.slice(3)).toEqual(before);
	expect(after.slice(0, 3).map((l) => [l.operation, l.status, l.detail])).toEqual([
		['import-logs', 'failed', 'The log file is not valid JSON.'],
		['import-logs', 'failed', 'Entry 1 of the log file is not a Sealdesk log entry.'],
		['import-logs', 'failed', expect.stringMatching(/^The log file is not a Sealdesk log/)]
	]);
});
