/**
 * The one result line of the import dialogs: a certificate or key file on the admin page, a
 * message on the tickets page. Each line is announced by a live region.
 */

/** One input's result line; `State` is the set of states its page can show. */
export interface ImportLine<State extends string> {
	/** Unique within its list; keys the `{#each}` and the line's element id. */
	id: number;
	/** The file name, or a label for pasted input. */
	name: string;
	state: State;
	/** The result sentence (the desk's exact words on failure). */
	message: string;
	/** The ticket the input landed on, for imported mail. */
	ticketId?: number;
}
