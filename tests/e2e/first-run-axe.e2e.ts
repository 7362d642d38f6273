/**
 * Issue 19, points 9 and 10: an empty app guides through three steps with links; axe finds no
 * violation on any page or dialog, including a ticket with several articles (each banner a
 * region with its own name), in light and dark.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { mail, text, verdictMails } from './mails';
import { openApp, receiveAll, seedPki } from './seed';

async function expectNoViolations(page: Page, what: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	expect(violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the first run shows three steps with links, each marked done as it is done', async ({ page }) => {
	await page.goto('/');
	const steps = page.getByRole('region', { name: 'Get started in three steps' });
	await expect(steps.getByRole('listitem')).toHaveCount(3);
	await expect(steps.getByRole('link', { name: 'Switch S/MIME on' })).toHaveAttribute('href', /\/admin\/smime#setup$/);
	await expect(steps.getByRole('link', { name: 'Import your .p12' })).toHaveAttribute('href', /\/admin\/smime#certificates$/);
	await expect(steps.getByRole('link', { name: 'Connect a mailbox' })).toHaveAttribute('href', /\/admin\/mailbox$/);
	await expect(steps.getByRole('link', { name: 'import .eml files' })).toHaveAttribute('href', '#import-mail');
	await expect(steps.getByText('Done')).toHaveCount(0);
	await steps.getByRole('link', { name: 'Switch S/MIME on' }).click();
	await expect(page).toHaveURL(/\/admin\/smime#setup$/);
	await seedPki(page);
	await page.goto('/');
	await expect(steps.getByRole('listitem').nth(0)).toContainText('Done');
	await expect(steps.getByRole('listitem').nth(1)).toContainText('Done');
	// Once there is a ticket, the list replaces the steps.
	await receiveAll(page, [mail({ subject: 'First ticket' }, text('Hello.'))]);
	await page.goto('/');
	await expect(page.getByRole('row').filter({ hasText: 'First ticket' })).toBeVisible();
	await expect(steps).toHaveCount(0);
});

test('axe: every page and dialog, a ticket with several articles, light and dark', async ({ page }) => {
	test.setTimeout(180_000);
	await openApp(page);
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Get started in three steps' })).toBeVisible();
		await expectNoViolations(page, `first run, ${colorScheme}`);
	}
	await seedPki(page, { group: true });
	const mails = verdictMails();
	const ids = await receiveAll(page, [
		...mails.map((m) => m.raw),
		mail({ subject: 'Re: Verdict valid', inReplyTo: 'thread@customer.test', id: 'thread2@customer.test' }, text('Second.')),
		mail({ subject: 'Thread', id: 'thread@customer.test' }, text('First.'))
	]);
	// A ticket with several articles: three received, one sent.
	const thread = ids.at(-1)?.ticketId;
	await receiveAll(page, [mail({ subject: 'Re: Thread', inReplyTo: 'thread@customer.test', id: 'thread3@customer.test' }, text('Third.'))]);
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.goto('/');
		await expect(page.getByTestId('ticket-row').first()).toBeVisible();
		await page.getByTestId('ticket-search').fill('verdict');
		await expect(page.getByTestId('ticket-count')).toContainText('match');
		await expectNoViolations(page, `tickets list, ${colorScheme}`);
		await page.getByRole('button', { name: 'New ticket' }).click();
		await expectNoViolations(page, `new ticket, ${colorScheme}`);

		await page.goto(`/ticket?id=${String(thread)}`);
		await expect(page.getByRole('article').first()).toBeVisible();
		if ((await page.getByRole('article').count()) < 3) {
			await page.getByRole('button', { name: 'Reply', exact: true }).click();
			await page.getByRole('region', { name: 'Reply' }).getByLabel('Text').fill('An answer.');
			await page.getByRole('region', { name: 'Reply' }).getByRole('button', { name: 'Send' }).click();
			await expect(page.getByTestId('composer-outcome')).toContainText('Sent.');
		}
		await expect(page.getByRole('article')).toHaveCount(3);
		await expectNoViolations(page, `a ticket with several articles, ${colorScheme}`);
		for (const m of [0, 1, 5, 6]) {
			await page.goto(`/ticket?id=${String(ids[m]?.ticketId)}`);
			await expect(page.getByRole('article').first()).toBeVisible();
			await page.getByText('Security details').first().click();
			await expectNoViolations(page, `ticket ${mails[m]?.verdict ?? ''}, ${colorScheme}`);
		}

		await page.goto('/admin/smime');
		await expect(page.getByTestId('certificate-row').first()).toBeVisible();
		await expectNoViolations(page, `admin, ${colorScheme}`);
		for (const name of ['Add Certificate', 'Add Private Key'] as const) {
			await page.getByRole('button', { name, exact: true }).click();
			const dialog = page.getByRole('dialog', { name });
			await dialog.getByLabel('Paste PEM text').fill('not a certificate');
			await dialog.getByRole('button', { name: 'Import pasted text' }).click();
			await expect(dialog.getByTestId('import-result')).toHaveCount(1);
			await expectNoViolations(page, `${name} dialog, ${colorScheme}`);
			await dialog.getByRole('button', { name: 'Close' }).click();
		}
		await page.getByRole('button', { name: /^Details of alice@sealdesk.test/ }).click();
		await expect(page.getByRole('dialog', { name: 'Certificate details' })).toBeVisible();
		await expectNoViolations(page, `certificate details, ${colorScheme}`);
		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: /^Delete certificate of alice@sealdesk.test/ }).click();
		await expect(page.getByRole('dialog', { name: 'Please confirm' })).toBeVisible();
		await expectNoViolations(page, `confirm dialog, ${colorScheme}`);
		await page.keyboard.press('Escape');

		await page.goto('/admin/mailbox');
		await expect(page.getByRole('heading', { name: 'Mailbox', level: 1 })).toBeVisible();
		await expectNoViolations(page, `mailbox, ${colorScheme}`);
	}
});
