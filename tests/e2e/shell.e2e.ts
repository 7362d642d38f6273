import { expect, test } from './fixtures';

test('each page has a real empty state that says what to do next', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
	await expect(page.getByRole('main')).toContainText('S/MIME');
	await page.goto('/ticket');
	await expect(page.getByRole('heading', { name: 'No ticket selected' })).toBeVisible();
	await page.goto('/ticket?id=does-not-exist');
	await expect(page.getByRole('heading', { name: 'Ticket does-not-exist was not found' })).toBeVisible();
	await page.goto('/admin/smime');
	await expect(page.getByRole('heading', { level: 1, name: 'S/MIME integration' })).toBeVisible();
	await expect(page.getByRole('main')).toContainText('Enable S/MIME');
});

test('the shell is usable by keyboard alone', async ({ page }) => {
	await page.goto('/');
	// Pages render on the client (ssr = false): wait for the app before the first key press.
	await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Skip to content' });
	await expect(skip).toBeFocused();
	// Walk forward until the S/MIME link has focus, then follow it with Enter.
	const target = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'S/MIME integration' });
	for (let i = 0; i < 6 && !(await target.evaluate((el) => el === document.activeElement)); i++) {
		await page.keyboard.press('Tab');
	}
	await expect(target).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/admin\/smime$/);
	await expect(target).toHaveAttribute('aria-current', 'page');
});

test('light and dark themes follow the system', async ({ browser }) => {
	const colours: string[] = [];
	for (const colorScheme of ['light', 'dark'] as const) {
		const context = await browser.newContext({ colorScheme });
		const page = await context.newPage();
		await page.goto('/');
		colours.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
		await context.close();
	}
	expect(colours[0]).toBe('rgb(255, 255, 255)');
	expect(colours[1]).toBe('rgb(17, 20, 24)');
});

test('the offline indicator shows when the network goes away', async ({ page, context }) => {
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();
	await context.setOffline(true);
	await expect(page.getByTestId('offline-indicator')).toHaveText('Offline: working from this browser');
	await context.setOffline(false);
	await expect(page.getByTestId('offline-indicator')).toHaveCount(0);
});

test('the web app manifest is installable', async ({ page, request }) => {
	await page.goto('/');
	const href = await page.locator('link[rel=manifest]').getAttribute('href');
	expect(href).toBeTruthy();
	const manifestUrl = new URL(href ?? '', page.url()).toString();
	const manifest = (await (await request.get(manifestUrl)).json()) as {
		display: string;
		start_url: string;
		scope: string;
		name: string;
		icons: { src: string; sizes: string; purpose: string }[];
	};
	expect(manifest.name).toContain('Sealdesk');
	expect(manifest.display).toBe('standalone');
	expect(manifest.start_url).toBe('./');
	expect(manifest.scope).toBe('./');
	const sizes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
	expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
	for (const icon of manifest.icons) {
		const response = await request.get(new URL(icon.src, manifestUrl).toString());
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toContain('image/png');
	}
});
