/**
 * Issue 17 (the duplicated dialogs made one, ModalDialog): each dialog's ids are its own. A ticket
 * with several HTML bodies has one link dialog per body; before, each used the fixed ids
 * "mail-link-title" and "mail-link-question", so the page had duplicate ids and every dialog was
 * named by the first one's heading.
 */
import { expect, test } from './fixtures';
import { mail } from './mails';
import { openApp, receiveAll } from './seed';

const html = (body: string): string => `Content-Type: text/html; charset=utf-8\r\n\r\n<p>${body}</p>\r\n`;

/** An HTML-only mail of the thread "Dialog ids" (each one is shown in its own frame, with its own link dialog). */
const post = (n: number): string =>
	mail({ subject: 'Dialog ids', id: `dialog-ids-${String(n)}@customer.test`, ...(n > 1 ? { inReplyTo: `dialog-ids-${String(n - 1)}@customer.test` } : {}) }, html(`<a href="https://outside.test/link-${String(n)}">Link ${String(n)}</a>`));

test('several link dialogs on one ticket: no id twice, each named by its own heading and described by its own sentence', async ({ page }) => {
	await openApp(page);
	const [first] = await receiveAll(page, [post(1), post(2), post(3)]);
	await page.goto(`/ticket?id=${String(first?.ticketId)}`);
	const frames = page.locator('iframe.html-body');
	await expect(frames).toHaveCount(3);

	const dialogs = await page.evaluate(() => {
		const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
		const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
		const named = [...document.querySelectorAll('dialog')].map((d) => {
			const title = document.getElementById(d.getAttribute('aria-labelledby') ?? '');
			const description = document.getElementById(d.getAttribute('aria-describedby') ?? '');
			return { ownTitle: title !== null && d.contains(title), ownDescription: description !== null && d.contains(description), title: title?.textContent };
		});
		return { twice, named };
	});
	expect(dialogs.twice).toEqual([]);
	expect(dialogs.named).toHaveLength(3);
	for (const d of dialogs.named) expect(d).toEqual({ ownTitle: true, ownDescription: true, title: 'Open this link?' });

	// The third article's link opens its own dialog, named, described and showing its address.
	await frames.nth(2).contentFrame().getByRole('link', { name: 'Link 3' }).click();
	const open = page.getByRole('dialog', { name: 'Open this link?' });
	await expect(open).toHaveCount(1);
	await expect(open).toHaveAccessibleDescription('The message links to this address. Check all of it before you open it: the text of a link in mail can show a different one.');
	await expect(open.getByTestId('mail-link-url')).toHaveText('https://outside.test/link-3');
	await open.getByRole('button', { name: 'Cancel' }).click();
	await expect(open).toHaveCount(0);
});
