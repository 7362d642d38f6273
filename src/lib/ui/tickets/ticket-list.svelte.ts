/**
 * The tickets list: every ticket with its group, customer, last activity and whether its
 * mail was encrypted or signed, as the desk computes them in one call. Reloads whenever any
 * tab changes the store.
 */
import type { TicketRow } from '$lib/desk/ticket-overview';
import { desk, deskChanges } from '$lib/ui/desk-client';

export type { TicketRow } from '$lib/desk/ticket-overview';

/** The list's state; call {@link TicketList.start} from the page and its cleanup on leave. */
export class TicketList {
	rows = $state.raw<TicketRow[]>([]);
	loaded = $state(false);
	error = $state<string | null>(null);
	#generation = 0;

	/** Reads every ticket again; a newer call wins over an older one still running. */
	async load(): Promise<void> {
		const generation = ++this.#generation;
		try {
			const rows = await desk.listTickets();
			if (generation !== this.#generation) return;
			this.rows = rows;
			this.error = null;
		} catch (error) {
			if (generation !== this.#generation) return;
			this.error = error instanceof Error ? error.message : 'The tickets could not be read.';
		} finally {
			if (generation === this.#generation) this.loaded = true;
		}
	}

	/** Loads now and on every store change (one reload per burst of changes). Returns the cleanup. */
	start(): () => void {
		void this.load();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const stop = deskChanges((change) => {
			if (change.store !== 'tickets' && change.store !== 'articles' && change.store !== 'groups') return;
			clearTimeout(timer);
			timer = setTimeout(() => void this.load(), 50);
		});
		return () => {
			clearTimeout(timer);
			stop();
		};
	}
}
