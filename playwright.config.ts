import { defineConfig, devices } from '@playwright/test';
import { QUIET_ARGS, systemChromium } from './scripts/chromium.mjs';

const executablePath = systemChromium();
/** The preview port; `E2E_PORT` lets several checkouts run their browser tests side by side. */
export const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	forbidOnly: !!process.env.CI,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${PORT}`,
		trace: 'retain-on-failure',
		serviceWorkers: 'allow'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath,
					args: QUIET_ARGS
				}
			}
		}
	],
	webServer: {
		command: `npx vite preview --port ${String(PORT)} --strictPort`,
		url: `http://localhost:${PORT}`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});
