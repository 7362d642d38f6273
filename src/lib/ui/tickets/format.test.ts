import { describe, expect, it } from 'vitest';
import { emlName, formatAddress, formatAddresses, formatSize, replySubject } from './format';
import { HTML_BODY_CSP, htmlBodyDocument } from './html-body';

describe('display helpers', () => {
	it('formats addresses with and without names', () => {
		expect(formatAddress({ name: 'Alice', address: 'alice@sealdesk.test' })).toBe('Alice <alice@sealdesk.test>');
		expect(formatAddresses([{ address: 'a@x.test' }, { address: 'b@x.test' }])).toBe('a@x.test, b@x.test');
	});

	it('formats sizes', () => {
		expect([formatSize(812), formatSize(12_698), formatSize(3_250_586)]).toEqual(['812 bytes', '12.4 KB', '3.1 MB']);
	});

	it('makes safe .eml names and reply subjects', () => {
		expect(emlName('Re: Invoice question')).toBe('Re-Invoice-question.eml');
		expect(emlName('../../etc/passwd')).toBe('....etcpasswd.eml');
		expect(emlName('')).toBe('message.eml');
		expect(replySubject('Invoice')).toBe('Re: Invoice');
		expect(replySubject('RE: Invoice')).toBe('RE: Invoice');
	});
});

describe('the HTML body document', () => {
	it('puts the no-network, no-script CSP first', () => {
		const doc = htmlBodyDocument('<p>Hi</p>');
		expect(HTML_BODY_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'");
		expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<p>Hi</p>'));
		expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<body>'));
	});

	it("drops the message's own http-equiv metas (refresh, a looser CSP)", () => {
		const doc = htmlBodyDocument('<meta http-equiv="refresh" content="0;url=https://evil.test/"><META HTTP-EQUIV="Content-Security-Policy" content="default-src *"><p>x</p>');
		expect(doc).not.toContain('evil.test');
		expect(doc).not.toContain('default-src *');
		expect(doc.match(/http-equiv/gi)).toHaveLength(1);
	});
});
