/**
 * Issue 16, point 3: links, forms and refreshes in mail HTML make no request, to the app's
 * origin or any other, and a link opens only after the agent has read its full address in a
 * dialog, in a new window with no opener and no referrer. Before the fix a `target=_self`
 * link navigated the sandboxed frame to the app's origin (`/leak?…` reached the server).
 */
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures';
import { REFUSED_LINK } from '../../src/lib/ui/tickets/mail-links';

const OUTSIDE = 'https://outside.test';

function htmlMail(origin: string): string {
	return [
		'From: Mallory <mallory@customer.test>',
		'To: support@sealdesk.test',
		'Subject: Click me',
		'Message-ID: <click-me@customer.test>',
		'Date: Wed, 4 Mar 2026 10:00:00 +0000',
		'Content-Type: text/html; charset=utf-8',
		'',
		'<meta http-equiv="refresh" content="0;url=/leak?refresh">',
		'<meta content="a>b" http-equiv="refresh" content="0;url=/leak?refresh2">',
		'<p><a href="/leak?self" target="_self">Self link</a></p>',
		`<p><a href="${OUTSIDE}/blank?from=mail" target="_blank">Blank link</a></p>`,
		'<p><a href="/leak?top" target="_top">Top link</a></p>',
		`<p><a href="${origin}/leak?origin">Own origin link</a></p>`,
		'<p><a href="javascript:alert(1)">Script link</a></p>',
		'<form action="/leak?form" method="post"><input name="q" value="secret" aria-label="Query"><button type="submit">Send form</button></form>',
		`<form action="${OUTSIDE}/form"><button type="submit" formaction="/leak?formaction">Send elsewhere</button></form>`,
		'<p><a href="#end">Jump to the end</a></p>',
		'<div style="height:2000px"></div><p id="end">The end</p>',
		''
	].join('\n');
}

/** Requests that left for /leak or for the outside origin, whoever made them. */
function watchLeaks(page: Page): string[] {
	const leaks: string[] = [];
	const note = (request: Request): void => {
		const url = request.url();
		if (url.includes('/leak') || url.startsWith(OUTSIDE)) leaks.push(url);
	};
	page.context().on('request', note);
	return leaks;
}

test('links, forms and refreshes in mail HTML request nothing; a link opens only after confirmation, without opener or referrer', async ({ page, requests, baseURL }) => {
	test.setTimeout(90_000);
	const origin = new URL(baseURL ?? '').origin;
	const leaks = watchLeaks(page);
	const served: string[] = [];
	await page.context().route('**/leak**', async (route) => {
		served.push(route.request().url());
		await route.fulfill({ status: 200, contentType: 'text/html', body: 'leaked' });
	});
	await page.context().route(`${OUTSIDE}/**`, async (route) => {
		served.push(route.request().url());
		await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Outside</title><p>outside</p>' });
	});

	await page.goto('/');
	await page.getByLabel('Paste a raw message').fill(htmlMail(origin));
	await page.getByRole('button', { name: 'Import pasted message' }).click();
	await expect(page.getByRole('status', { name: 'Mail import results' })).toContainText('Pasted message: imported "Click me"');
	await page.getByRole('row').filter({ hasText: 'Click me' }).getByRole('link', { name: 'Click me' }).click();

	const iframe = page.locator('iframe.html-body');
	await expect(iframe).toHaveAttribute('sandbox', 'allow-same-origin');
	await expect(iframe).not.toHaveAttribute('inert', /.*/);
	const frame = page.frameLocator('iframe.html-body');
	const mailFrame = await (await iframe.elementHandle()).contentFrame();
	expect(mailFrame?.url()).toBe('about:srcdoc');
	const dialog = page.getByRole('dialog', { name: 'Open this link?' });
	const shownUrl = dialog.getByTestId('mail-link-url');

	// Every link asks first and shows the full address; Cancel makes no request.
	for (const [name, url] of [
		['Self link', `${origin}/leak?self`],
		['Top link', `${origin}/leak?top`],
		['Blank link', `${OUTSIDE}/blank?from=mail`],
		['Own origin link', `${origin}/leak?origin`]
	] as const) {
		await frame.getByRole('link', { name }).click();
		await expect(dialog).toBeVisible();
		await expect(shownUrl).toHaveText(url);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toBeHidden();
	}
	// Middle click and the keyboard go through the same dialog.
	await frame.getByRole('link', { name: 'Self link' }).click({ button: 'middle' });
	await expect(shownUrl).toHaveText(`${origin}/leak?self`);
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await frame.getByRole('link', { name: 'Blank link' }).click({ button: 'right' });
	await expect(dialog).toBeHidden();
	await frame.getByRole('link', { name: 'Top link' }).focus();
	await page.keyboard.press('Enter');
	await expect(shownUrl).toHaveText(`${origin}/leak?top`);
	// At phone width the dialog fits and nothing scrolls sideways (issue 19).
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	const phoneBox = await dialog.boundingBox();
	expect(phoneBox && phoneBox.x >= 0 && phoneBox.x + phoneBox.width <= 390).toBe(true);
	await page.setViewportSize({ width: 1280, height: 720 });
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();

	// A javascript: link is refused with a sentence; forms never submit; anchors stay in the frame.
	await frame.getByRole('link', { name: 'Script link' }).click();
	await expect(page.getByRole('alert')).toHaveText(REFUSED_LINK);
	await expect(dialog).toBeHidden();
	await frame.getByRole('button', { name: 'Send form' }).click();
	await frame.getByRole('button', { name: 'Send elsewhere' }).click();
	await frame.getByRole('textbox', { name: 'Query' }).press('Enter');
	await frame.getByRole('link', { name: 'Jump to the end' }).click();
	await expect(frame.getByText('The end', { exact: true })).toBeInViewport();
	await expect(dialog).toBeHidden();

	// Give a refresh or a submission time to happen, then check that nothing went anywhere.
	await page.waitForTimeout(1500);
	expect(mailFrame?.url()).toBe('about:srcdoc');
	expect(page.url()).toMatch(/\/ticket\?id=/);
	expect(leaks).toEqual([]);
	expect(served).toEqual([]);
	expect(page.context().pages()).toHaveLength(1);

	// Confirmed: a new window with no opener, and the site is not told where the agent came from.
	await frame.getByRole('link', { name: 'Blank link' }).click();
	await expect(shownUrl).toHaveText(`${OUTSIDE}/blank?from=mail`);
	expect(leaks).toEqual([]);
	requests.allowOrigin(OUTSIDE);
	const [popup] = await Promise.all([page.context().waitForEvent('page'), dialog.getByRole('button', { name: 'Open link' }).click()]);
	await popup.waitForLoadState();
	expect(popup.url()).toBe(`${OUTSIDE}/blank?from=mail`);
	await expect(popup.getByText('outside')).toBeVisible();
	expect(await popup.evaluate(() => window.opener === null)).toBe(true);
	expect(await popup.evaluate(() => document.referrer)).toBe('');
	const opened = leaks.filter((url) => url.startsWith(OUTSIDE));
	expect(opened).toEqual([`${OUTSIDE}/blank?from=mail`]);
	expect(served).toEqual([`${OUTSIDE}/blank?from=mail`]);
	await expect(dialog).toBeHidden();
	// Still nothing reached the app's origin.
	expect(leaks.filter((url) => url.includes('/leak'))).toEqual([]);
});
