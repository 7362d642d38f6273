/**
 * What the ticket list shows of a ticket beyond its record: its group and whether its mail
 * was encrypted or signed. The rules are pure functions of the articles; the desk keeps a
 * small per-article overview on the ticket record (updated in the transaction of every write
 * that changes an article), so listing tickets reads no article.
 *
 * The overview keeps each article's addresses, not its group: a group's email may change
 * after the mail came, and the group is matched against the groups as they are now.
 */
import type { Address } from '../mime/display';
import type { EncryptionStatus, SecurityResult, SignStatus } from '../smime/incoming-types';
import type { ArticleOverview, TicketOverview, TicketProtection, TicketRecord, TicketState, TicketVerdict } from '../store/records';
import { articleStore, type StoredArticle } from '../store/repositories';
import type { Tx } from '../store/transaction';
import type { Group } from './groups';

export type { ArticleOverview, TicketOverview, TicketProtection, TicketVerdict } from '../store/records';

/** A ticket in the list. */
export interface TicketSummary {
	id: number;
	state: TicketState;
	subject: string;
	customer: string;
	createdAt: string;
	updatedAt: string;
	articleCount: number;
}


/** A ticket as the list shows it. */
export interface TicketRow extends TicketSummary, TicketProtection {
	/** The name of the group the ticket's mail was addressed to (or sent from), or null. */
	group: string | null;
	verdict: TicketVerdict;
}

/** The version of the overview this code writes; bump it when the rules below change. */
export const OVERVIEW_VERSION = 2;

/** The fields of an article {@link isUnchecked} reads. */
type CheckInput = { direction: 'in' | 'out'; processedAt?: string };

/** The fields of an article {@link protectionOf} reads (attachments as stored or as shown). */
export type ProtectionInput = CheckInput & { security: Pick<SecurityResult, 'layers'>; attachments: readonly { name: string; type: string }[] };

/** The fields of an article {@link groupOfArticles} reads. */
export type AddressInput = { direction: 'in' | 'out'; from?: Address; to: readonly Address[]; cc: readonly Address[] };

/** Whether S/MIME processing has not run on this article (it arrived while S/MIME was off). */
export function isUnchecked(article: CheckInput): boolean {
	return article.direction === 'in' && article.processedAt === undefined;
}

const PKCS7 = /^application\/(x-)?pkcs7-(mime|signature)$/i;

/**
 * Whether any article was encrypted or signed: from the S/MIME layers found, or, for mail not
 * yet checked, from its smime.p7m / smime.p7s parts.
 */
export function protectionOf(articles: readonly ProtectionInput[]): TicketProtection {
	let encrypted = false;
	let signed = false;
	for (const a of articles) {
		for (const layer of a.security.layers) {
			if (layer.kind === 'encrypted') encrypted = true;
			else signed = true;
		}
		if (isUnchecked(a)) {
			for (const att of a.attachments) {
				if (!PKCS7.test(att.type) && !/\.p7[ms]$/i.test(att.name)) continue;
				if (/signature|\.p7s$/i.test(att.type + att.name)) signed = true;
				else encrypted = true;
			}
		}
	}
	return { encrypted, signed };
}

/** The addresses of an article that group matching looks at: From when it went out, To and Cc when it came in. */
export function matchedAddresses(article: AddressInput): string[] {
	return article.direction === 'out' ? (article.from ? [article.from.address] : []) : [...article.to, ...article.cc].map((x) => x.address);
}

/**
 * The group of a ticket from its articles' addresses (see {@link matchedAddresses}), oldest
 * article first: the first group (in the given order) whose email is one of the addresses of
 * the first article that has such a group.
 * @returns the group's index in `groups`, or -1 when no group matches
 */
export function groupOfAddresses(groups: readonly Pick<Group, 'email'>[], perArticle: readonly (readonly string[])[]): number {
	for (const addresses of perArticle) {
		const index = groups.findIndex((g) => addresses.includes(g.email));
		if (index >= 0) return index;
	}
	return -1;
}

/** Sign statuses from least to most alarming; a ticket shows the most alarming of its articles. */
const SIGN_ORDER: readonly SignStatus[] = ['none', 'valid', 'sender-mismatch', 'expired', 'untrusted', 'invalid'];
/** Encryption statuses from least to most alarming. */
const ENCRYPTION_ORDER: readonly EncryptionStatus[] = ['none', 'decrypted', 'no-key', 'failed'];

/** The more alarming of two sign statuses (the architecture's precedence: invalid, untrusted, expired, sender-mismatch, valid). */
export function worseSign(a: SignStatus, b: SignStatus): SignStatus {
	return SIGN_ORDER.indexOf(a) >= SIGN_ORDER.indexOf(b) ? a : b;
}

/** The more alarming of two encryption statuses: failed, no-key, decrypted, none. */
export function worseEncryption(a: EncryptionStatus, b: EncryptionStatus): EncryptionStatus {
	return ENCRYPTION_ORDER.indexOf(a) >= ENCRYPTION_ORDER.indexOf(b) ? a : b;
}

/** The overview entry of a stored article. */
export function articleOverview(record: StoredArticle): ArticleOverview {
	const protection = protectionOf([record]);
	const unchecked = isUnchecked(record);
	return {
		id: record.id,
		addresses: matchedAddresses({ direction: record.direction, ...record.headers }),
		...protection,
		sign: unchecked ? 'none' : record.security.sign.status,
		encryption: unchecked ? 'none' : record.security.encryption.status,
		unchecked: unchecked && (protection.encrypted || protection.signed)
	};
}

/** The ticket's overview when it can be trusted: written by this code's rules and covering every article. */
export function currentOverview(ticket: TicketRecord): TicketOverview | null {
	const o = ticket.overview;
	return o?.version === OVERVIEW_VERSION && o.articles.length === ticket.articleCount ? o : null;
}

/** The list row of a ticket from its overview entries and the groups as they are now (sorted as listGroups sorts them). */
export function ticketRow(summary: TicketSummary, entries: readonly ArticleOverview[], groups: readonly Pick<Group, 'email' | 'name'>[]): TicketRow {
	let encrypted = false;
	let signed = false;
	const verdict: TicketVerdict = { sign: 'none', encryption: 'none', unchecked: false };
	for (const e of entries) {
		encrypted ||= e.encrypted;
		signed ||= e.signed;
		verdict.sign = worseSign(verdict.sign, e.sign);
		verdict.encryption = worseEncryption(verdict.encryption, e.encryption);
		verdict.unchecked ||= e.unchecked;
	}
	const group = groups[groupOfAddresses(groups, entries.map((e) => e.addresses))]?.name ?? null;
	return { ...summary, group, encrypted, signed, verdict };
}

/**
 * The overview of a ticket once `article` is added to it or re-processed, inside the caller's
 * transaction; the caller puts it on the ticket. `ticket` is the record as stored before this
 * write (its articleCount not yet counting an added article). A ticket without a current
 * overview (written before overviews, or by older code) gets one computed from its stored
 * articles, which may or may not include `article` yet.
 */
export async function overviewWith(tx: Tx<'articles'>, ticketId: number, ticket: TicketRecord, article: StoredArticle): Promise<TicketOverview> {
	let entries = currentOverview(ticket)?.articles.filter((e) => e.id !== article.id);
	if (!entries) {
		const stored = await articleStore.ofTicket(tx, ticketId);
		entries = stored.filter((a) => a.id !== article.id).map(articleOverview);
	}
	entries.push(articleOverview(article));
	entries.sort((a, b) => a.id - b.id);
	return { version: OVERVIEW_VERSION, articles: entries };
}
