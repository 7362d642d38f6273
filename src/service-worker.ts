/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
// Precaches the whole build and every prerendered page, so that once Sealdesk has been
// opened it works with no network at all. Nothing else is fetched or cached: the app never
// talks to another origin, and its own data lives in IndexedDB.
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `sealdesk-${version}`;
const ASSETS = [...build, ...files, ...prerendered];
const ASSET_SET = new Set(ASSETS);

sw.addEventListener('install', (event) => {
	// A new version waits until the agent chooses "Reload" (see ServiceWorkerState).
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== CACHE) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event: ExtendableMessageEvent) => {
	const data: unknown = event.data;
	if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') {
		void sw.skipWaiting();
	}
});

/** The precached path that answers a request, or null when it is not one of ours. */
function assetFor(url: URL): string | null {
	if (url.origin !== sw.location.origin) return null;
	if (ASSET_SET.has(url.pathname)) return url.pathname;
	// Static routes with query parameters (/ticket?id=…) are served by their prerendered page.
	const trimmed = url.pathname.replace(/\/$/, '') || '/';
	return ASSET_SET.has(trimmed) ? trimmed : null;
}

sw.addEventListener('fetch', (event) => {
	if (event.request.method !== 'GET') return;
	const url = new URL(event.request.url);
	const asset = assetFor(url);
	if (asset === null) return;
	event.respondWith(
		(async () => {
			const cache = await caches.open(CACHE);
			const cached = await cache.match(asset);
			if (cached) return cached;
			const response = await fetch(event.request);
			if (response.ok) await cache.put(asset, response.clone());
			return response;
		})()
	);
});
