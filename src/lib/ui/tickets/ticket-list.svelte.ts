/**
 * The tickets list: every ticket with its group, customer, last activity and whether its
 * mail was encrypted or signed. Reloads whenever any tab changes the store.
 */
import type { Group } from '$lib/desk/groups';
import type { Article, TicketSummary } from '$lib/desk/tickets';
import { desk, deskChanges } from '$lib/ui/desk-client';
import { protectionOf } from './security';

/** A ticket as the list shows it. */
export interface TicketRow extends TicketSummary {
	/** The name of the group the ticket's mail was addressed to (or sent from), or null. */
	group: string | null;
	encrypted: boolean;
	signed: boolean;
}

/**
 * The group of a ticket: the first group whose sender address received or sent one of its
 * articles. Returns null when no group matches.
 */
export function groupOfArticles(groups: readonly Group[], articles: readonly Pick<Article, 'direction' | 'from' | 'to' | 'cc'>[]): Group | null {
	for (const a of articles) {
		const addresses = a.direction === 'out' ? (a.from ? [a.from] : []) : [...a.to, ...a.cc];
		const group = groups.find((g) => addresses.some((x) => x.address === g.email));
		if (group) return group;
	}
	return null;
}

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
			const [summaries, groups] = await Promise.all([desk.listTickets(), desk.listGroups()]);
			const details = await Promise.all(summaries.map((s) => desk.getTicket(s.id)));
			if (generation !== this.#generation) return;
			this.rows = summaries.map((s, i) => {
				const articles = details[i]?.articles ?? [];
				return { ...s, group: groupOfArticles(groups, articles)?.name ?? null, ...protectionOf(articles) };
			});
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
