/**
 * The result lines of the import dialogs: one line per file or paste, saying what was
 * imported or giving the desk's exact error. A line whose file needs a passphrase keeps
 * the file, so the admin can enter the passphrase and import it again.
 */
import { desk } from '$lib/ui/desk-client';
import type { CertificateInfo } from '$lib/pki/describe';
import type { ImportLine } from '$lib/ui/import-line';
import { importSummaryText } from './format';

/** Where an input stands. */
export type ImportState = 'working' | 'imported' | 'failed' | 'needs-passphrase';

interface Pending {
	name: string;
	data: Uint8Array | string;
}

/** Codes after which the same input can succeed with a (different) passphrase. */
const PASSPHRASE_CODES = new Set(['passphrase-required', 'wrong-passphrase']);

/** The import results of one dialog. */
export class ImportQueue {
	lines = $state<ImportLine<ImportState>[]>([]);
	#next = 1;
	// The inputs drive no rendering, so a plain Map is right here.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#inputs = new Map<number, Pending>();
	readonly #known: () => readonly CertificateInfo[];
	readonly #onKeyImported: () => void;

	/**
	 * @param known the stored certificates, to name the owner of an imported private key
	 * @param onKeyImported called after any import that stored a private key
	 */
	constructor(known: () => readonly CertificateInfo[], onKeyImported: () => void) {
		this.#known = known;
		this.#onKeyImported = onKeyImported;
	}

	/** Whether any line waits for a passphrase. */
	get needsPassphrase(): boolean {
		return this.lines.some((l) => l.state === 'needs-passphrase');
	}

	/** Forgets every line (when a dialog opens afresh). */
	clear(): void {
		this.lines = [];
		this.#inputs.clear();
	}

	/** Imports files one after another, each with its own line. Never throws. */
	async importFiles(files: readonly File[]): Promise<void> {
		for (const file of files) {
			const id = this.#add(file.name);
			let data: Uint8Array;
			try {
				data = new Uint8Array(await file.arrayBuffer());
			} catch (error) {
				this.#set(id, 'failed', `"${file.name}" could not be read: ${error instanceof Error ? error.message : String(error)}`);
				continue;
			}
			this.#inputs.set(id, { name: file.name, data });
			await this.#run(id);
		}
	}

	/** Imports pasted text as one input. Never throws. */
	async importText(text: string): Promise<void> {
		if (text.trim() === '') return;
		const id = this.#add('Pasted text');
		this.#inputs.set(id, { name: 'Pasted text', data: text });
		await this.#run(id);
	}

	/** Imports a line's input again with a passphrase. Never throws. */
	async retry(id: number, passphrase: string): Promise<void> {
		if (!this.#inputs.has(id)) return;
		this.#set(id, 'working', 'Importing…');
		await this.#run(id, passphrase);
	}

	#add(name: string): number {
		const id = this.#next++;
		this.lines.push({ id, name, state: 'working', message: 'Importing…' });
		return id;
	}

	#set(id: number, state: ImportState, text: string): void {
		const line = this.lines.find((l) => l.id === id);
		if (line) {
			line.state = state;
			line.message = text;
		}
	}

	async #run(id: number, passphrase?: string): Promise<void> {
		const input = this.#inputs.get(id);
		if (!input) return;
		try {
			const summary = await desk.importFile({ name: input.name, data: input.data, ...(passphrase === undefined ? {} : { passphrase }) });
			this.#inputs.delete(id);
			// The time of the import, read once; nothing reactive.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			this.#set(id, 'imported', importSummaryText(summary.certificates, summary.privateKeys, this.#known(), new Date()));
			if (summary.privateKeys.length > 0) this.#onKeyImported();
		} catch (error) {
			const code = (error as { code?: unknown }).code;
			const text = error instanceof Error ? error.message : String(error);
			if (typeof code === 'string' && PASSPHRASE_CODES.has(code)) {
				this.#set(id, 'needs-passphrase', text);
				return;
			}
			this.#inputs.delete(id);
			this.#set(id, 'failed', text);
		}
	}
}
