/**
 * The virtual tables (certificates, tickets) scrolled past with the mouse wheel: the page keeps
 * its height and every section below the table is reached. The window of rendered rows once
 * grew past the last row when the table was above the view, its spacer pushed the table further
 * up, and the page grew for ever (found in a UI walk: 5,599 px became 151,367 px and went blank).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { mail, text } from './mails';
import { openApp, receiveAll, seedPki } from './seed';

/**
 * Wheels down 400 px at a time until the heading `id` is in view (at most 120 times); returns the
 * page's height after each turn, and whether the heading was reached.
 */
async function wheelTo(page: Page, id: string): Promise<{ heights: number[]; reached: boolean }> {
	const heights: number[] = [];
	await page.mouse.move(200, 300);
	for (let i = 0; i < 120; i++) {
		await page.mouse.wheel(0, 400);
		await page.waitForTimeout(60);
		const { height, inView } = await page.evaluate((target) => {
			const box = document.getElementById(target)?.getBoundingClientRect();
			return { height: document.documentElement.scrollHeight, inView: box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight };
		}, id);
		heights.push(height);
		if (inView) return { heights, reached: true };
	}
	return { heights, reached: false };
}

for (const width of [1280, 390]) {
	test(`at ${String(width)} px, the S/MIME page keeps its height when scrolled past the certificates, and Recent Logs are reached`, async ({ page }) => {
		await page.setViewportSize({ width, height: 800 });
		await seedPki(page);
		await openApp(page, '/admin/smime');
		await expect(page.getByTestId('certificate-row').first()).toBeVisible();
		const start = await page.evaluate(() => document.documentElement.scrollHeight);
		const { heights, reached } = await wheelTo(page, 'logs');
		expect(reached).toBe(true);
		expect(Math.max(...heights)).toBeLessThanOrEqual(start + 50);
		// Back at the top, every certificate row is there.
		await page.evaluate(() => {
			window.scrollTo(0, 0);
		});
		await expect(page.getByTestId('certificate-row')).toHaveCount(4);
	});
}

test('the tickets page keeps its height when scrolled past its list, and Import mail is reached', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 700 });
	await seedPki(page);
	await receiveAll(
		page,
		Array.from({ length: 12 }, (_x, i) => mail({ subject: `Question ${String(i)}`, id: `<scroll-${String(i)}@customer.test>` }, text(`Question number ${String(i)}.`)))
	);
	await openApp(page, '/');
	await expect(page.getByRole('link', { name: 'Question 11' })).toBeVisible();
	const start = await page.evaluate(() => document.documentElement.scrollHeight);
	const { heights, reached } = await wheelTo(page, 'import-mail');
	expect(reached).toBe(true);
	expect(Math.max(...heights)).toBeLessThanOrEqual(start + 50);
});
