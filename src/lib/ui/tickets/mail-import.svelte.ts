/**
 * Importing mail into tickets: .eml files (dropped or picked, several at once) or a pasted
 * raw message. Each goes to desk.receive, which threads it and runs S/MIME over it in the
 * worker; each gets a line in the results, read out by a live region.
 */
import { desk } from '$lib/ui/desk-client';
import type { ImportLine } from '$lib/ui/import-line';

/** Where the import of one message stands. */
export type MailImportState = 'working' | 'done' | 'failed';

/** Largest message accepted from the page, in bytes (the desk refuses bigger ones to process). */
const MAX_MAIL_SIZE = 50 * 1024 * 1024;

/** The import state of the tickets page. */
export class MailImport {
	lines = $state<ImportLine<MailImportState>[]>([]);
	#next = 1;

	/** Whether any import is still running. */
	get busy(): boolean {
		return this.lines.some((l) => l.state === 'working');
	}

	/** Imports each file as one message, in order. Never rejects: failures become lines. */
	async importFiles(files: readonly File[]): Promise<void> {
		for (const file of files) {
			await this.#run(file.name, () => {
				if (file.size > MAX_MAIL_SIZE) throw new Error(`"${file.name}" is larger than 50 MB.`);
				// The desk worker reads the file itself and stores it without a copy.
				return Promise.resolve(file);
			});
		}
	}

	/** Imports a pasted raw message. Never rejects. */
	async importPasted(text: string): Promise<void> {
		await this.#run('Pasted message', () => {
			if (!/^[!-9;-~]+:/.test(text.trimStart())) throw new Error('The pasted text is not a mail message: it has no header lines.');
			return Promise.resolve(text.replace(/\r?\n/g, '\r\n'));
		});
	}

	/** Forgets finished lines. */
	clear(): void {
		this.lines = this.lines.filter((l) => l.state === 'working');
	}

	async #run(name: string, read: () => Promise<Blob | string>): Promise<void> {
		const id = this.#next++;
		this.lines.push({ id, name, state: 'working', message: `Importing ${name}…` });
		const line = this.lines.find((l) => l.id === id);
		if (!line) return;
		try {
			const article = await desk.receive(await read());
			line.state = 'done';
			line.ticketId = article.ticketId;
			line.message = `${name}: imported "${article.subject || '(no subject)'}" into ticket #${String(article.ticketId)}.`;
		} catch (error) {
			line.state = 'failed';
			line.message = `${name}: ${error instanceof Error ? error.message : 'the message could not be imported.'}`;
		}
	}
}
