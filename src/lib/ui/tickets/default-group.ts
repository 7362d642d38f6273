/** Which group (sender address) a new message starts from. */
import type { Group } from '$lib/desk/groups';

/**
 * The group a new message starts from: the ticket's own group for a reply; else the group last
 * used; else the first (by name) whose address has a valid certificate with a private key that
 * can sign; else the first.
 */
export function defaultGroup(groups: readonly Group[], ticketEmails: readonly string[], last: string | null, signers: ReadonlySet<string>): Group | undefined {
	const own = ticketEmails.map((email) => groups.find((g) => g.email === email.toLowerCase())).find((g) => g !== undefined);
	return own ?? groups.find((g) => g.id === last) ?? groups.find((g) => signers.has(g.email)) ?? groups[0];
}

