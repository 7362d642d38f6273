/**
 * One ticket with its articles, kept fresh on store changes, and Retry: re-run verification
 * and decryption of an article once the missing certificate or key has been added.
 */
import type { Article, TicketDetail } from '$lib/desk/tickets';
import type { Delivery } from '$lib/desk/mailbox-outbox';
import { desk, deskChanges } from '$lib/ui/desk-client';
import { deliverySentence } from '$lib/ui/mailbox/delivery';

/** The outcome of the last Retry of an article, read out by a live region. */
export interface RetryNote {
	articleId: number;
	message: string;
	/** For a delivery retry: the state it told, so that the note goes once the delivery moves on. */
	delivery?: Delivery['state'];
}

/** The ticket view's state. */
export class TicketView {
	/** undefined while loading, null when no ticket has the id. */
	ticket = $state.raw<TicketDetail | null | undefined>(undefined);
	error = $state<string | null>(null);
	/** Articles whose Retry is running. */
	retrying = $state<number[]>([]);
	note = $state<RetryNote | null>(null);
	/** Whether S/MIME is on: "Trust this certificate…" is offered only then. */
	smimeEnabled = $state(false);
	/** The delivery state of the ticket's sent articles (those that went through the outbox). */
	deliveries = $state.raw<Delivery[]>([]);
	readonly id: number | null;
	#generation = 0;

	/** @param id - the `id` search parameter; anything but a positive integer finds no ticket */
	constructor(id: string) {
		const n = /^\d+$/.test(id) ? Number(id) : NaN;
		this.id = Number.isSafeInteger(n) && n > 0 ? n : null;
	}

	/** Reads the ticket again; a newer call wins. */
	async load(): Promise<void> {
		const generation = ++this.#generation;
		if (this.id === null) {
			this.ticket = null;
			return;
		}
		try {
			const [ticket, enabled, deliveries] = await Promise.all([desk.getTicket(this.id), desk.isEnabled(), desk.deliveries(this.id)]);
			if (generation !== this.#generation) return;
			this.ticket = ticket;
			this.smimeEnabled = enabled;
			this.deliveries = deliveries;
			// A delivery retry's note is dropped once that delivery has moved on (queued, then sent).
			const note = this.note;
			if (note?.delivery !== undefined && deliveries.find((d) => d.articleId === note.articleId)?.state !== note.delivery) this.note = null;
		} catch (error) {
			if (generation === this.#generation) this.error = error instanceof Error ? error.message : 'The ticket could not be read.';
		}
	}

	/** Loads now and after every change of tickets or articles. Returns the cleanup. */
	start(): () => void {
		void this.load();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const stop = deskChanges((change) => {
			if (change.store !== 'tickets' && change.store !== 'articles' && change.store !== 'settings' && change.store !== 'outbox') return;
			clearTimeout(timer);
			timer = setTimeout(() => void this.load(), 50);
		});
		return () => {
			clearTimeout(timer);
			stop();
		};
	}

	/** After "Trust this certificate…": says what the check found, and reads the ticket again. */
	async trusted(article: Article): Promise<void> {
		const { status, signer } = article.security.sign;
		this.note = {
			articleId: article.id,
			message: status === 'valid' ? `Certificate trusted: the message is now verified as signed by ${signer ?? 'its sender'}.` : `Certificate trusted. The signature is now: ${status}. See the security details.`
		};
		await this.load();
	}

	/** Retry of a sent article's delivery (after a refusal, or at once instead of at the next poll). Never rejects. */
	async retryDelivery(articleId: number): Promise<void> {
		try {
			const delivery = await desk.retryDelivery(articleId);
			this.note = { articleId, message: `Retried: ${deliverySentence(delivery)}`, delivery: delivery.state };
			await this.load();
		} catch (error) {
			this.note = { articleId, message: `Retry failed: ${error instanceof Error ? error.message : 'unknown error.'}` };
		}
	}

	/** Re-runs S/MIME on one article with the current certificates and keys. Never rejects. */
	async retry(articleId: number): Promise<void> {
		if (this.retrying.includes(articleId)) return;
		this.retrying.push(articleId);
		try {
			const article = await desk.retry(articleId);
			const { sign, encryption } = article.security;
			const failed = (sign.status !== 'none' && sign.status !== 'valid') || encryption.status === 'no-key' || encryption.status === 'failed';
			this.note = { articleId, message: failed ? 'Retried: the problem remains. See the security details.' : 'Retried: the message was checked again.' };
			await this.load();
		} catch (error) {
			this.note = { articleId, message: `Retry failed: ${error instanceof Error ? error.message : 'unknown error.'}` };
		} finally {
			this.retrying = this.retrying.filter((id) => id !== articleId);
		}
	}
}
