/**
 * What a click on a link in mail HTML may do (issue 16, point 3). A link in a message never
 * navigates by itself: the frame that shows the HTML makes no request, and the agent opens an
 * external link only after reading its full address, in a new window that has no opener and
 * sends no referrer.
 */

/** The `window.open` features for a confirmed link: no `window.opener`, no Referer. */
export const MAIL_LINK_WINDOW_FEATURES = 'noopener,noreferrer';

/** The schemes a confirmed link may open; anything else (javascript:, data:, file:, blob:…) is refused. */
const OPENABLE = new Set(['http:', 'https:', 'mailto:']);

/** The sentence for a link whose scheme Sealdesk does not open. */
export const REFUSED_LINK = 'This link cannot be opened: Sealdesk opens only http, https and mailto links from mail.';

/** The sentence for an address that is not a URL at all. */
export const MALFORMED_LINK = 'This link cannot be opened: its address is not a valid URL.';

/**
 * A link from mail HTML, as Sealdesk will treat it: an external address to confirm (its full,
 * normalised form, host names in punycode, so look-alike letters show), a jump to an anchor
 * inside the same message, or a refusal with the sentence to show.
 */
export type MailLink = { kind: 'external'; url: string } | { kind: 'anchor'; name: string } | { kind: 'refused'; reason: string };

/**
 * Classifies the raw `href` of a link in mail HTML.
 * @param raw the attribute as the message wrote it
 * @param base the address relative links resolve against (the frame's base: the app's page)
 * @returns never throws; a malformed or unsafe address is a `refused` result
 */
export function mailLink(raw: string, base: string): MailLink {
	const trimmed = raw.trim();
	if (trimmed.startsWith('#')) {
		let name = trimmed.slice(1);
		try {
			name = decodeURIComponent(name);
		} catch {
			// keep the raw fragment: an anchor named with a stray % is still an anchor
		}
		return { kind: 'anchor', name };
	}
	let url: URL;
	try {
		url = new URL(trimmed, base);
	} catch {
		return { kind: 'refused', reason: MALFORMED_LINK };
	}
	if (!OPENABLE.has(url.protocol)) return { kind: 'refused', reason: REFUSED_LINK };
	return { kind: 'external', url: url.href };
}
