import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { securityHeadersPreview } from './scripts/security-headers.mjs';

export default defineConfig({
	plugins: [sveltekit(), securityHeadersPreview()],
	preview: { port: 4173, strictPort: true },
	test: {
		include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		setupFiles: ['tests/setup.ts']
	}
});
