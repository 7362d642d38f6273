// Issue 16, point 3: a link, form or refresh in mail HTML must not make any request, to the
// app's origin or any other. A `target=_self` link used to navigate the sandboxed frame to the
// app's own origin (`/leak?…` reached the server). The browser half (the frame guard, the
// confirm dialog, noopener) is tests/e2e/mail-links.e2e.ts; this file pins the parts that run
// in Node: which addresses may be opened at all, the frame's CSP and the tags dropped from the
// message, and the frame's sandbox.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dropHeadTags, HTML_BODY_CSP, htmlBodyDocument } from '../../src/lib/ui/tickets/html-body';
import { MAIL_LINK_WINDOW_FEATURES, MALFORMED_LINK, mailLink, REFUSED_LINK } from '../../src/lib/ui/tickets/mail-links';

const APP = 'https://desk.example.org/ticket?id=4';

describe('links in mail HTML', () => {
	it.each([
		['javascript:alert(document.domain)'],
		['  JaVaScRiPt:alert(1)'],
		['java\tscript:alert(1)'],
		['data:text/html,<script>alert(1)</script>'],
		['vbscript:msgbox(1)'],
		['file:///etc/passwd'],
		['blob:https://desk.example.org/0b6c2a3e-0000-4000-8000-000000000000'],
		['ftp://files.example/x']
	])('%j is refused with a sentence', (href) => {
		expect(mailLink(href, APP)).toEqual({ kind: 'refused', reason: REFUSED_LINK });
	});

	it('refuses an address that is no URL', () => {
		expect(mailLink('http://[::1', APP)).toEqual({ kind: 'refused', reason: MALFORMED_LINK });
	});

	it('resolves a link to the app itself to its full address, to be confirmed like any other', () => {
		expect(mailLink('/leak?secret=1', APP)).toEqual({ kind: 'external', url: 'https://desk.example.org/leak?secret=1' });
		expect(mailLink('leak', APP)).toEqual({ kind: 'external', url: 'https://desk.example.org/leak' });
	});

	it('shows external addresses in full, host names in punycode', () => {
		expect(mailLink('https://exаmple.com/login', APP)).toEqual({ kind: 'external', url: 'https://xn--exmple-4nf.com/login' });
		expect(mailLink('HTTP://Example.ORG:80/a b?q=1#frag', APP)).toEqual({ kind: 'external', url: 'http://example.org/a%20b?q=1#frag' });
		expect(mailLink('mailto:alice@example.org?subject=Hi', APP)).toEqual({ kind: 'external', url: 'mailto:alice@example.org?subject=Hi' });
	});

	it('keeps anchors inside the message', () => {
		expect(mailLink('#part%202', APP)).toEqual({ kind: 'anchor', name: 'part 2' });
		expect(mailLink('#100%', APP)).toEqual({ kind: 'anchor', name: '100%' });
	});

	it('opens a confirmed link with no opener and no referrer', () => {
		expect(MAIL_LINK_WINDOW_FEATURES.split(',')).toEqual(['noopener', 'noreferrer']);
	});
});

describe('the frame document', () => {
	it('lets the message fetch nothing, post no form and set no base URL', () => {
		const directives = new Map(HTML_BODY_CSP.split(';').map((part) => part.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
		expect(directives.get('default-src')).toEqual(["'none'"]);
		expect(directives.get('form-action')).toEqual(["'none'"]);
		expect(directives.get('base-uri')).toEqual(["'none'"]);
		expect(directives.has('script-src')).toBe(false);
	});

	it.each([
		['meta refresh', '<meta http-equiv="refresh" content="0;url=/leak?refresh">'],
		['a ">" inside a quoted value', '<meta content="a>b" http-equiv="refresh" content="0;url=/leak?refresh">'],
		['a tag rebuilt from pieces', '<me<meta name=x>ta http-equiv=refresh content="0;url=/leak?refresh">'],
		['slash instead of space', '<meta/http-equiv=refresh/content=0;url=/leak?refresh>'],
		['upper case, unclosed', '<META HTTP-EQUIV=REFRESH CONTENT=0;URL=/leak?refresh'],
		['base href', '<base href="https://attacker.example/"><a href="x">x</a>'],
		['base target', '<base target="_top"><a href="/leak">x</a>']
	])('drops %s', (_name, html) => {
		const doc = htmlBodyDocument(`${html}<p>text</p>`);
		expect(dropHeadTags(html)).not.toMatch(/<meta|<base/i);
		expect(doc.match(/<meta/gi)).toHaveLength(2);
		expect(doc.match(/<base/gi)).toHaveLength(1);
		expect(doc).toContain('<base target="_blank">');
		expect(doc).not.toMatch(/url=\/leak/i);
	});

	it('shows the message in a frame that runs no script, posts no form, opens no window and navigates no other frame', () => {
		const source = (name: string): string => readFileSync(new URL(`../../src/lib/ui/tickets/${name}`, import.meta.url), 'utf8');
		// The one frame every mail body (an article's, a signed part's, an attached message's) is shown in.
		const frame = source('MailFrame.svelte');
		const sandboxes = [...frame.matchAll(/sandbox="([^"]*)"/g)].map((match) => match[1]);
		// allow-same-origin with allow-scripts would let the message remove its own sandbox.
		expect(sandboxes).toEqual(['allow-same-origin']);
		expect(frame).toContain('{@attach mailFrameGuard(');
		for (const view of ['ArticleView.svelte', 'SectionView.svelte']) {
			expect(source(view)).not.toContain('<iframe');
			expect(source(view)).toContain('<MailFrame ');
		}
	});
});
