/**
 * Backup and restore of what can leave the browser: every certificate as one PEM bundle
 * (imported back through importFile) and the S/MIME log as JSON or CSV (imported back through
 * importLogs). Private keys are non-extractable CryptoKeys and cannot be exported: the
 * original .p12 file is their backup.
 */
import { toPem } from '../pki/pem';
import type { LogEntry } from '../store/records';
import { certificateStore, logStore } from '../store/repositories';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';

/** The sentence the admin page shows next to the backup downloads. */
export const KEYS_NOT_EXPORTABLE =
	'Private keys are stored as non-extractable keys and cannot be exported. Keep the original .p12 file as their backup.';

/** Formats of the log export. */
export type LogFormat = 'json' | 'csv';

/** What importLogs did. */
export interface LogImportSummary {
	/** Entries added. */
	imported: number;
	/** Entries already in the log (same time, direction, operation, status, detail and Message-ID). */
	skipped: number;
}

const COLUMNS = ['at', 'direction', 'operation', 'status', 'detail', 'messageId'] as const;

/** Every stored certificate as one PEM bundle, CAs first, each block preceded by its subject. Empty string when there is none. */
export async function exportCertificates(ctx: DeskContext): Promise<string> {
	const records = await certificateStore.all(ctx.db);
	records.sort((a, b) => Number(b.info.isCA) - Number(a.info.isCA) || a.info.subject.localeCompare(b.info.subject));
	return records.map((r) => `# ${r.info.subject.replace(/[\r\n]/g, ' ')}\n${toPem('CERTIFICATE', r.der)}`).join('\n');
}

/** The log, oldest first, as JSON (an array of entries) or CSV (RFC 4180, with a header line). */
export async function exportLogs(ctx: DeskContext, format: LogFormat): Promise<string> {
	const entries = (await logStore.all(ctx.db)).map((e) => ({ at: e.at, direction: e.direction, operation: e.operation, status: e.status, detail: e.detail, messageId: e.messageId }));
	if (format === 'json') return JSON.stringify(entries, null, 2);
	// The page calls this by name through the worker, so the format is checked at run time too.
	if ((format as string) !== 'csv') throw new Error('The log can be exported as JSON or CSV.');
	const cell = (v: string | null): string => (v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	return [COLUMNS.join(','), ...entries.map((e) => COLUMNS.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}

function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i] ?? '';
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (quoted) throw new Error('The log file is not valid CSV: a quoted field never ends.');
	if (cell !== '' || row.length > 0) rows.push([...row, cell]);
	return rows.filter((r) => r.length > 1 || r[0] !== '');
}

function toEntry(raw: unknown, n: number): Omit<LogEntry, 'id'> {
	const bad = (): Error => new Error(`Entry ${String(n)} of the log file is not a Sealdesk log entry.`);
	if (raw === null || typeof raw !== 'object') throw bad();
	const o = raw as Record<string, unknown>;
	const { at, direction, operation, status, detail } = o;
	const messageId = o.messageId === '' || o.messageId === undefined ? null : o.messageId;
	if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw bad();
	if (direction !== 'in' && direction !== 'out' && direction !== 'admin') throw bad();
	if (status !== 'success' && status !== 'failed') throw bad();
	if (typeof operation !== 'string' || typeof detail !== 'string' || (messageId !== null && typeof messageId !== 'string')) throw bad();
	return { at, direction, operation, status, detail, messageId };
}

const identity = (e: Omit<LogEntry, 'id'>): string => JSON.stringify([e.at, e.direction, e.operation, e.status, e.detail, e.messageId]);

/**
 * Imports a log exported by {@link exportLogs} (JSON or CSV, found from the content), in one
 * transaction, in time order. Entries already present are skipped, so importing twice adds nothing.
 * @throws Error with a sentence when the file is not a Sealdesk log (nothing is imported then)
 */
export async function importLogs(ctx: DeskContext, input: { data: string | Uint8Array }): Promise<LogImportSummary> {
	const text = (typeof input.data === 'string' ? input.data : new TextDecoder().decode(input.data)).replace(/^\uFEFF/, '');
	let raws: unknown[];
	if (/^\s*\[/.test(text)) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (cause) {
			throw new Error('The log file is not valid JSON.', { cause });
		}
		if (!Array.isArray(parsed)) throw new Error('The log file is not a Sealdesk log.');
		raws = parsed;
	} else {
		const rows = parseCsv(text);
		const header = rows.shift();
		if (header?.join(',') !== COLUMNS.join(',')) throw new Error('The log file is not a Sealdesk log: JSON or CSV with the columns at, direction, operation, status, detail, messageId.');
		raws = rows.map((r) => Object.fromEntries(COLUMNS.map((c, i) => [c, r[i] ?? ''])));
	}
	const entries = raws.map((r, i) => toEntry(r, i + 1)).sort((a, b) => a.at.localeCompare(b.at));
	const imported = await withWriteTransaction(ctx.db, ['logs'], async (tx) => {
		const seen = new Set((await logStore.all(tx)).map(identity));
		let added = 0;
		for (const e of entries) {
			const id = identity(e);
			if (seen.has(id)) continue;
			seen.add(id);
			await logStore.append(tx, e);
			added++;
		}
		return added;
	});
	if (imported > 0) announce(ctx, ['logs']);
	return { imported, skipped: entries.length - imported };
}
