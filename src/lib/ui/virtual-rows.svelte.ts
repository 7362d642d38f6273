/**
 * Virtual rows for the long tables (tickets, certificates): rows have fixed heights, one wide and
 * one for the stacked phone layout, so only the rows in view (and a few more each side) are
 * rendered, with spacer rows standing in for the rest; 10,000 rows stay fast. Attach it to the
 * table body: `<tbody {@attach rows.body}>`.
 */
import type { Attachment } from 'svelte/attachments';
import { MediaQuery } from 'svelte/reactivity';

/** Rows rendered beyond the window's edge on each side. */
const OVERSCAN = 6;

/** What a table tells its VirtualRows. */
export interface VirtualRowsOptions {
	/** Row height in px at wide and at phone width (the stacked layout). */
	heights: { wide: number; narrow: number };
	/** How many rows the table has now (read reactively). */
	count: () => number;
	/** Told which rows are rendered after each measure (the tickets list loads their pages). */
	onView?: (first: number, last: number) => void;
}

/** The window of rows a virtual table renders: `first` to `last`, both included. */
export class VirtualRows {
	/** The first rendered row. */
	first = $state(0);
	/** The last rendered row (never below `first`, never past the last row unless there is none). */
	last = $state(20);
	readonly #narrow = new MediaQuery('max-width: 40rem');
	readonly #options: VirtualRowsOptions;
	#element: HTMLElement | null = null;

	constructor(options: VirtualRowsOptions) {
		this.#options = options;
	}

	/** The height of one row now, in px. */
	get height(): number {
		return this.#narrow.current ? this.#options.heights.narrow : this.#options.heights.wide;
	}

	/** The indexes of the rendered rows. */
	get indexes(): number[] {
		const end = Math.min(this.last, this.#options.count() - 1);
		return Array.from({ length: Math.max(0, end - this.first + 1) }, (_, i) => this.first + i);
	}

	/** The height (px) of the spacer that stands for the rows above the window; 0 for none. */
	get before(): number {
		return this.first * this.height;
	}

	/** The height (px) of the spacer that stands for the rows below the window; 0 for none. */
	get after(): number {
		return Math.max(0, this.#options.count() - 1 - this.last) * this.height;
	}

	/** Works out which rows the window shows, from where the table body is on the page. */
	measure(): void {
		if (!this.#element) return;
		const top = this.#element.getBoundingClientRect().top;
		const lastRow = Math.max(0, this.#options.count() - 1);
		// Never past the last row: with the table scrolled out of view above, an uncapped first row
		// grew the spacer above it, which moved the table further up, and the page grew for ever.
		const from = Math.min(lastRow, Math.max(0, Math.floor(-top / this.height) - OVERSCAN));
		const to = Math.min(lastRow, Math.ceil((window.innerHeight - top) / this.height) + OVERSCAN);
		this.first = from;
		this.last = Math.max(from, to);
		this.#options.onView?.(this.first, this.last);
	}

	/** The attachment for the table body: measures on scroll, on resize, and when the row count or height changes. */
	readonly body: Attachment<HTMLElement> = (element) => {
		this.#element = element;
		const measure = (): void => {
			this.measure();
		};
		window.addEventListener('scroll', measure, { passive: true });
		window.addEventListener('resize', measure);
		$effect(() => {
			if (this.#options.count() >= 0 && this.height > 0) measure();
		});
		return () => {
			window.removeEventListener('scroll', measure);
			window.removeEventListener('resize', measure);
			this.#element = null;
		};
	};
}
