/**
 * The guard on the frame that shows mail HTML: `<iframe sandbox="allow-same-origin" {@attach
 * mailFrameGuard(onLink)}>`.
 *
 * The sandbox lets no script run in the frame, submits no form, opens no window, navigates no
 * other frame and follows no meta refresh; the frame's CSP fetches nothing. What a sandbox
 * still allows is a link that navigates the frame itself (`target=_self`), which would reach
 * the app's own origin or any other. `allow-same-origin` (and never `allow-scripts`) lets this
 * page, not the message, reach into the parsed message: once it has loaded, every link loses
 * its `href` (kept in `data-sealdesk-href`) and becomes a focusable `role=link`, and clicks,
 * middle clicks, Enter and form submissions are caught and handed to `onLink`. The frame is
 * `inert` until then, so nothing in it can be clicked before the guard is in place.
 */
import type { Attachment } from 'svelte/attachments';
import { mailLink, type MailLink } from './mail-links';

const XLINK = 'http://www.w3.org/1999/xlink';
const HREF = 'data-sealdesk-href';

/** Replaces every link's href by a data attribute, so that nothing in the frame can navigate. */
function neutraliseLinks(doc: Document): void {
	for (const link of doc.querySelectorAll('a, area')) {
		const href = link.getAttribute('href') ?? link.getAttributeNS(XLINK, 'href');
		link.removeAttribute('href');
		link.removeAttributeNS(XLINK, 'href');
		link.removeAttribute('target');
		link.removeAttribute('ping');
		if (href === null) continue;
		link.setAttribute(HREF, href);
		link.setAttribute('role', 'link');
		if (!link.hasAttribute('tabindex')) link.setAttribute('tabindex', '0');
	}
}

/** Scrolls to an anchor inside the message (`#name`), by id or by `<a name>`. */
function scrollToAnchor(doc: Document, name: string): void {
	(doc.getElementById(name) ?? doc.querySelector(`[name="${CSS.escape(name)}"]`))?.scrollIntoView();
}

/**
 * Guards a mail HTML frame.
 * @param onLink called with each link the agent activates, anchors excepted (they scroll the frame)
 * @returns the attachment; its cleanup removes every listener
 */
export function mailFrameGuard(onLink: (link: MailLink) => void): Attachment<HTMLIFrameElement> {
	return (frame) => {
		let cleanup = (): void => undefined;

		const guard = (): void => {
			cleanup();
			const doc = frame.contentDocument;
			// The srcdoc has not been parsed yet (the initial about:blank): wait for its load.
			const view = doc?.defaultView;
			if (!doc || !view || doc.URL !== 'about:srcdoc') return;
			neutraliseLinks(doc);
			const activate = (event: Event): void => {
				const origin = event.target instanceof view.Element ? event.target : null;
				const link = origin?.closest(`[${HREF}]`);
				if (!link) return;
				event.preventDefault();
				event.stopPropagation();
				const found = mailLink(link.getAttribute(HREF) ?? '', doc.baseURI);
				if (found.kind === 'anchor') scrollToAnchor(doc, found.name);
				else onLink(found);
			};
			// The middle button opens a link in a new tab; the right one only opens the context menu.
			const middle = (event: MouseEvent): void => {
				if (event.button === 1) activate(event);
			};
			const key = (event: KeyboardEvent): void => {
				if (event.key === 'Enter') activate(event);
			};
			const submit = (event: Event): void => {
				event.preventDefault();
				event.stopPropagation();
			};
			doc.addEventListener('click', activate, true);
			doc.addEventListener('auxclick', middle, true);
			doc.addEventListener('keydown', key, true);
			doc.addEventListener('submit', submit, true);
			cleanup = () => {
				doc.removeEventListener('click', activate, true);
				doc.removeEventListener('auxclick', middle, true);
				doc.removeEventListener('keydown', key, true);
				doc.removeEventListener('submit', submit, true);
			};
			frame.inert = false;
		};

		frame.inert = true;
		frame.addEventListener('load', guard);
		if (frame.contentDocument?.readyState === 'complete') guard();
		return () => {
			frame.removeEventListener('load', guard);
			cleanup();
		};
	};
}
