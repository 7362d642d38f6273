import { expect, test, waitForServiceWorker } from './fixtures';

test('once the service worker controls the page, every page works offline', async ({ page, context }) => {
	await page.goto('/');
	await waitForServiceWorker(page);
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
	await expect(page.getByTestId('offline-indicator')).toBeVisible();

	const nav = page.getByRole('navigation', { name: 'Main' });
	await nav.getByRole('link', { name: 'S/MIME integration' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'S/MIME integration' })).toBeVisible();

	// A full navigation (not a client-side one) to a page with a query string.
	await page.goto('/ticket?id=42');
	await expect(page.getByRole('heading', { name: 'Ticket 42 was not found' })).toBeVisible();
	await page.goto('/admin/smime');
	await expect(page.getByRole('heading', { level: 1, name: 'S/MIME integration' })).toBeVisible();
	await nav.getByRole('link', { name: 'Tickets' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
});
