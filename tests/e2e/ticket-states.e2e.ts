/**
 * Issue 19, point 2: ticket states (set on the ticket page, reopened by a customer's reply, the
 * list opens on "open" and filters by state), local search over subject, customer and readable
 * text, and a list that renders only the rows in view, read page by page.
 */
import { expect, test } from './fixtures';
import { mail, text } from './mails';
import { receiveAll, seedPki } from './seed';

const COUNT = 130;

function tickets(): string[] {
	return Array.from({ length: COUNT }, (_, i) =>
		mail({ subject: `Case ${String(i).padStart(3, '0')}`, id: `case${String(i)}@customer.test`, from: `Customer ${String(i)} <c${String(i)}@customer.test>`, date: 'Mon, 2 Mar 2026 09:00:00 +0000' }, text(i === 42 ? 'The flux capacitor is leaking.' : `Routine question ${String(i)}.`))
	);
}

test('states: set on the ticket page, focus stays on the control; the list opens on open and filters; a customer reply reopens', async ({ page }) => {
	await seedPki(page);
	const [first, second] = await receiveAll(page, [mail({ subject: 'Broken printer', id: 'printer@customer.test' }, text('It prints blank pages.')), mail({ subject: 'Lost password', id: 'pw@customer.test' }, text('I forgot it.'))]);
	await page.goto(`/ticket?id=${String(first?.ticketId)}`);
	const state = page.getByRole('combobox', { name: 'State' });
	await expect(state).toHaveValue('open');
	await state.focus();
	await state.selectOption('pending');
	await expect(page.getByRole('status').filter({ hasText: 'The ticket is now pending.' })).toBeVisible();
	await expect(state).toBeFocused();

	await page.goto('/');
	const filter = page.getByTestId('ticket-state-filter');
	await expect(filter).toHaveValue('open');
	await expect(page.getByTestId('ticket-count')).toHaveText('1 ticket, open.');
	await expect(page.getByRole('row').filter({ hasText: 'Lost password' })).toBeVisible();
	await expect(page.getByRole('row').filter({ hasText: 'Broken printer' })).toHaveCount(0);
	await expect(filter.locator('option[value="pending"]')).toHaveText('Pending (1)');
	await filter.selectOption('pending');
	await expect(page.getByTestId('ticket-count')).toHaveText('1 ticket, pending.');
	await expect(page.getByRole('row').filter({ hasText: 'Broken printer' })).toContainText('Pending');

	// Closed, then the customer writes again: open.
	await page.goto(`/ticket?id=${String(first?.ticketId)}`);
	await page.getByRole('combobox', { name: 'State' }).selectOption('closed');
	await expect(page.getByRole('status').filter({ hasText: 'The ticket is now closed.' })).toBeVisible();
	await receiveAll(page, [mail({ subject: 'Re: Broken printer', inReplyTo: 'printer@customer.test' }, text('Still broken.'))]);
	await expect(page.getByRole('combobox', { name: 'State' })).toHaveValue('open');
	await page.goto('/');
	await expect(page.getByTestId('ticket-count')).toHaveText('2 tickets, open.');
	expect(second?.ticketId).not.toBe(first?.ticketId);
});

test('search finds subject, customer and body text in this browser; the list renders only the rows in view and reads the rest as it scrolls', async ({ page, requests }) => {
	await seedPki(page);
	await receiveAll(page, tickets());
	await page.goto('/');
	await expect(page.getByTestId('ticket-count')).toHaveText(`${String(COUNT)} tickets, open.`);
	// Virtualised: far fewer rows in the DOM than tickets, the newest first.
	const rendered = await page.getByTestId('ticket-row').count();
	expect(rendered).toBeGreaterThan(5);
	expect(rendered).toBeLessThan(60);
	await expect(page.getByTestId('ticket-row').first()).toContainText(`Case ${String(COUNT - 1)}`);
	expect(await page.locator('table.tickets').getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
	// The oldest comes into view (read from its page) when scrolled to.
	await page.evaluate(() => {
		window.scrollTo(0, document.body.scrollHeight);
	});
	await expect(page.getByRole('row').filter({ hasText: 'Case 000' })).toBeVisible();
	expect(await page.getByTestId('ticket-row').count()).toBeLessThan(60);
	await page.evaluate(() => {
		window.scrollTo(0, 0);
	});

	const search = page.getByRole('searchbox', { name: 'Search tickets' });
	const before = requests.urls.length;
	await search.fill('flux capacitor');
	await expect(page.getByTestId('ticket-count')).toHaveText('1 ticket, open, match "flux capacitor".');
	await expect(page.getByTestId('ticket-row')).toHaveCount(1);
	await expect(page.getByTestId('ticket-row')).toContainText('Case 042');
	await search.fill('c17@customer');
	await expect(page.getByTestId('ticket-row')).toHaveCount(1);
	await expect(page.getByTestId('ticket-row')).toContainText('Case 017');
	await search.fill('case 12');
	// Case 120 to 129 by subject, and Case 012 by its text ("Routine question 12.").
	await expect(page.getByTestId('ticket-count')).toHaveText('11 tickets, open, match "case 12".');
	await search.fill('nothing-like-this');
	await expect(page.getByTestId('ticket-count')).toHaveText('0 tickets, open, match "nothing-like-this".');
	// Searching asked no server: not even the app's own origin.
	expect(requests.urls.slice(before)).toEqual([]);
});
