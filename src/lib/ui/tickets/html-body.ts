/**
 * The srcdoc of the sandboxed iframe an HTML body is shown in. The iframe has `sandbox` with
 * no allow-scripts and no allow-same-origin; the CSP meta below also forbids every fetch
 * except inline styles and data: images, so a message cannot call home or run code.
 */

/** The policy inside the frame: no network, no script. */
export const HTML_BODY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

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
		html.replace(/<meta\b[^>]*http-equiv[^>]*>/gi, '') +
		'</body></html>'
	);
}
