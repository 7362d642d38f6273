import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { securityHeadersPreview } from './scripts/security-headers.mjs';

/**
 * The JMAP server behind the app's own origin (README "Trying it with a mailbox"): when
 * SEALDESK_JMAP_UPSTREAM is set, `vite preview` forwards /jmap and /.well-known/jmap to it, so the
 * CSP's `connect-src 'self'` stands and no CORS is needed. Redirects are rewritten to our origin.
 */
const jmapUpstream = process.env.SEALDESK_JMAP_UPSTREAM;
const jmapProxy = jmapUpstream
	? Object.fromEntries(['/jmap', '/.well-known/jmap'].map((path) => [path, { target: jmapUpstream, changeOrigin: true, autoRewrite: true }]))
	: undefined;

export default defineConfig({
	plugins: [sveltekit(), securityHeadersPreview()],
	preview: { port: 4173, strictPort: true, ...(jmapProxy ? { proxy: jmapProxy } : {}) },
	test: {
		include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// One throwaway Cyrus for the run (scripts/mailserver.mjs), for the mailbox tests.
		globalSetup: ['tests/mailbox/global-setup.ts']
	}
});
