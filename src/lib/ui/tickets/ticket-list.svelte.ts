/**
 * The tickets list: one state (open by default) or all, optionally searched, paged from the
 * desk's indexes. Only the pages around the rows in view are read; the list knows the total,
 * so a virtualised table can size itself. Reloads whenever any tab changes the store.
 */
import type { TicketRow } from '$lib/desk/ticket-overview';
import type { TicketState } from '$lib/desk/tickets';
import { desk, deskChanges } from '$lib/ui/desk-client';

export type { TicketRow } from '$lib/desk/ticket-overview';

/** What the list shows: one state, or all. */
export type StateFilter = TicketState | 'all';

/** Rows per page read from the desk. */
const PAGE_SIZE = 50;

/** The least time between two reloads of the list while store changes keep coming. */
const RELOAD_SPACING_MS = 500;

/** The list's state; call {@link TicketList.start} from the page and its cleanup on leave. */
export class TicketList {
	state = $state<StateFilter>('open');
	query = $state('');
	/** How many tickets match, over all pages. */
	total = $state(0);
	counts = $state.raw<Record<TicketState, number>>({ open: 0, pending: 0, closed: 0 });
	/** Loaded pages by page number; a page not here is read when it comes into view. */
	// Replaced, never mutated: a plain Map in $state.raw.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	pages = $state.raw<ReadonlyMap<number, readonly TicketRow[]>>(new Map());
	loaded = $state(false);
	error = $state<string | null>(null);
	#generation = 0;
	#wanted = { first: 0, last: 0 };
	// Drives no rendering.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#loading = new Set<string>();

	/** Whether there is no ticket at all, in any state. */
	get empty(): boolean {
		return this.loaded && this.counts.open + this.counts.pending + this.counts.closed === 0;
	}

	/** The row at a position of the list, or undefined while its page is being read. */
	rowAt(index: number): TicketRow | undefined {
		return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
	}

	/** Shows another state (and reads its first page). */
	setState(state: StateFilter): Promise<void> {
		this.state = state;
		return this.reload();
	}

	/** Searches (and reads the first page of the result). */
	setQuery(query: string): Promise<void> {
		this.query = query;
		return this.reload();
	}

	/** Rows `first` to `last` (inclusive) are in view: reads their pages if needed. */
	view(first: number, last: number): void {
		this.#wanted = { first, last };
		const generation = this.#generation;
		for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(Math.max(first, last) / PAGE_SIZE); page++) {
			if (!this.pages.has(page)) void this.#read(page, generation);
		}
	}

	/** Reads the pages in view again (after a change, or a new state or search); a newer call wins. */
	async reload(): Promise<void> {
		const generation = ++this.#generation;
		this.#loading.clear();
		const first = Math.floor(this.#wanted.first / PAGE_SIZE);
		const last = Math.floor(Math.max(this.#wanted.first, this.#wanted.last) / PAGE_SIZE);
		try {
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- built here, then replaces the state
			const pages = new Map<number, readonly TicketRow[]>();
			let total = 0;
			let counts = this.counts;
			for (let page = first; page <= last; page++) {
				const result = await desk.queryTickets({ state: this.state, search: this.query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
				if (generation !== this.#generation) return;
				pages.set(page, result.rows);
				total = result.total;
				counts = result.counts;
				if (result.rows.length < PAGE_SIZE) break;
			}
			this.pages = pages;
			this.total = total;
			this.counts = counts;
			this.error = null;
		} catch (error) {
			if (generation !== this.#generation) return;
			this.error = error instanceof Error ? error.message : 'The tickets could not be read.';
		} finally {
			if (generation === this.#generation) this.loaded = true;
		}
	}

	async #read(page: number, generation: number): Promise<void> {
		const key = `${String(generation)}:${String(page)}`;
		if (this.#loading.has(key)) return;
		this.#loading.add(key);
		try {
			const result = await desk.queryTickets({ state: this.state, search: this.query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
			if (generation !== this.#generation) return;
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- built here, then replaces the state
			const pages = new Map(this.pages);
			pages.set(page, result.rows);
			this.pages = pages;
			this.total = result.total;
			this.counts = result.counts;
		} catch (error) {
			if (generation === this.#generation) this.error = error instanceof Error ? error.message : 'The tickets could not be read.';
		} finally {
			this.#loading.delete(key);
		}
	}

	/**
	 * Loads now and after store changes: 50 ms after the first change of a burst, then at most
	 * every {@link RELOAD_SPACING_MS} while changes keep coming (a mailbox sync stores a mail
	 * every few tens of milliseconds: a reload per mail kept the main thread busy, and a pure
	 * debounce would never reload until the sync ended). A reload reads the state when it runs,
	 * so one pending reload covers every change before it. Returns the cleanup.
	 */
	start(): () => void {
		void this.reload();
		let timer: ReturnType<typeof setTimeout> | undefined;
		let lastReload = 0;
		const stop = deskChanges((change) => {
			if (change.store !== 'tickets' && change.store !== 'articles' && change.store !== 'groups') return;
			if (timer !== undefined) return;
			const wait = Math.max(50, lastReload + RELOAD_SPACING_MS - Date.now());
			timer = setTimeout(() => {
				timer = undefined;
				lastReload = Date.now();
				void this.reload();
			}, wait);
		});
		return () => {
			clearTimeout(timer);
			stop();
		};
	}
}
