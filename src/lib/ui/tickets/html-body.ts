/**
 * The srcdoc of the sandboxed iframe an HTML body is shown in. The iframe has `sandbox` with
 * no allow-scripts and no allow-same-origin; the CSP meta below also forbids every fetch
 * except inline styles and data: images, so a message cannot call home or run code.
 */

/** The policy inside the frame: no network, no script. */
export const HTML_BODY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const REMOTE = String.raw`(?:[a-z][a-z0-9+.-]*:(?!\s*data:)|//)`;
const REMOTE_ATTRIBUTE = new RegExp(String.raw`\s(src|srcset|background|poster|action|data|formaction)\s*=\s*(["']?)\s*(?!data:|#|cid:)${REMOTE}`, 'gi');
const REMOTE_CSS_URL = new RegExp(String.raw`url\(\s*(["']?)\s*(?!data:)${REMOTE}[^)]*\)`, 'gi');
const CSS_IMPORT = /@import\b[^;]*;?/gi;
// <link> loads stylesheets, icons and prefetches; a mail needs none of them.
const LINK_TAG = /<link\b[^>]*>/gi;

/**
 * Rewrites every remote reference in a message's HTML so the browser never even starts a
 * request for it (tracking pixels, remote CSS): attributes are renamed to `data-blocked-*`,
 * CSS url()s become `url(about:blank)`, @import rules and <link> tags go. Links (`<a href>`)
 * stay: they fetch nothing, and the sandbox opens no window. The CSP in the frame blocks them
 * anyway; this keeps the attempt from being made at all, and makes the rule visible in the DOM.
 */
export function blockRemoteContent(html: string): string {
	return html
		.replace(REMOTE_ATTRIBUTE, (match: string, name: string) => match.replace(new RegExp(`\\s${name}`, 'i'), ` data-blocked-${name.toLowerCase()}`))
		.replace(REMOTE_CSS_URL, 'url(about:blank)')
		.replace(CSS_IMPORT, '')
		.replace(LINK_TAG, '');
}

/**
 * Wraps a message's HTML for `<iframe sandbox srcdoc>`: the CSP meta comes first, before
 * anything the message could put in its own head.
 */
export function htmlBodyDocument(html: string): string {
	return (
		'<!doctype html><html><head>' +
		`<meta http-equiv="Content-Security-Policy" content="${HTML_BODY_CSP}">` +
		'<meta name="referrer" content="no-referrer">' +
		'<base target="_blank">' +
		'<style>body{font-family:system-ui,sans-serif;margin:0.5rem;overflow-wrap:anywhere}</style>' +
		'</head><body>' +
		// The message's own http-equiv metas (refresh, a looser CSP) are dropped; ours stands.
		blockRemoteContent(html.replace(/<meta\b[^>]*http-equiv[^>]*>/gi, '')) +
		'</body></html>'
	);
}
