/**
 * The srcdoc of the sandboxed iframe an HTML body is shown in. The iframe's sandbox has no
 * allow-scripts, allow-forms, allow-popups or allow-top-navigation (only allow-same-origin, so
 * that the page can neutralise the message's links: see mail-frame.ts); the CSP meta below
 * also forbids every fetch except inline styles and data: images, so a message cannot call
 * home or run code.
 */

/** The policy inside the frame: no network, no script, no form target, no base URL. */
export const HTML_BODY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

// An attribute that makes the browser fetch, wherever the HTML parser starts an attribute name:
// after whitespace, after `/` (`<img/src=…>`) or right after a quoted value (`alt=""src=…`).
const FETCHING_ATTRIBUTE = /(?<=[\s/"'])(src|srcset|background|poster|action|data|formaction)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]*)/gi;
// The only values left alone: inline data, a cid: part of the message, a fragment. Anything else
// (a scheme, `//`, a relative path, a scheme hidden behind entities like `&#104;ttp:` or a tab
// the URL parser would drop) is renamed: allowing known-safe beats recognising every remote form.
const SAFE_VALUE = /^\s*(?:data:|cid:|#)/i;
const CSS_URL = /url\(\s*(["']?)\s*(?!data:|#)[^)]*\)/gi;
// image-set() takes bare strings, not only url()s.
const CSS_IMAGE_SET = /(?:-webkit-)?image-set\([^)]*\)/gi;
const CSS_IMPORT = /@import\b[^;]*;?/gi;

/**
 * A start tag, quote-aware: a `>` inside a quoted value does not end it (`<meta content="a>b"
 * http-equiv=refresh>` is one tag). Where the regex and the HTML parser read quotes differently
 * the regex takes more, never less, and removal is repeated until nothing changes, so pieces
 * around a removed tag cannot join into a new one (`<me<meta>ta …>`).
 */
function startTag(name: string): RegExp {
	return new RegExp(String.raw`<${name}\b(?:"[^"]*"|'[^']*'|[^'">])*>?`, 'gi');
}

/** Removes every match of `tags`, again and again until nothing changes. */
function dropTags(html: string, tags: RegExp[]): string {
	let out = html;
	for (let before = ''; before !== out; ) {
		before = out;
		for (const tag of tags) out = out.replace(tag, '');
	}
	return out;
}

// <link> loads stylesheets, icons and prefetches; a mail needs none of them.
const LINK_TAG = [startTag('link')];
// <meta> (refresh, a looser CSP, a referrer policy) and <base> (where links point): ours stand.
const HEAD_TAGS = [startTag('meta'), startTag('base'), ...LINK_TAG];

/** Removes every `<meta>`, `<base>` and `<link>` tag from a message's HTML. */
export function dropHeadTags(html: string): string {
	return dropTags(html, HEAD_TAGS);
}

/**
 * Rewrites every remote reference in a message's HTML so the browser never even starts a
 * request for it (tracking pixels, remote CSS): attributes are renamed to `data-blocked-*`,
 * CSS url()s become `url(about:blank)`, @import rules go (htmlBodyDocument drops <link> tags).
 * Links (`<a href>`) stay here: the frame guard (mail-frame.ts) takes their href away once the
 * frame has loaded and opens them only after the agent confirms. The CSP in the frame blocks
 * every fetch anyway; this keeps the attempt from being made at all, and makes the rule
 * visible in the DOM.
 */
export function blockRemoteContent(html: string): string {
	const stripped = html
		.replace(FETCHING_ATTRIBUTE, (match: string, name: string, equals: string, quoted: string) => {
			const value = quoted.replace(/^["']|["']$/g, '');
			// srcset lists candidates separated by commas, which data: URLs also contain: never kept.
			const safe = name.toLowerCase() !== 'srcset' && SAFE_VALUE.test(value);
			return safe ? match : `data-blocked-${name.toLowerCase()}${equals}${quoted}`;
		})
		.replace(CSS_IMAGE_SET, 'none')
		.replace(CSS_URL, 'url(about:blank)')
		.replace(CSS_IMPORT, '');
	return dropTags(stripped, LINK_TAG);
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
		'<style>body{font-family:system-ui,sans-serif;margin:0.5rem;overflow-wrap:anywhere}' +
		// The frame guard turns links into role=link elements without href: keep them looking like links.
		'[data-sealdesk-href]{color:LinkText;text-decoration:underline;cursor:pointer}</style>' +
		'</head><body>' +
		// The message's own metas (refresh, a looser CSP), base and link tags are dropped; ours stand.
		blockRemoteContent(dropHeadTags(html)) +
		'</body></html>'
	);
}
