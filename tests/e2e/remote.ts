/**
 * The desk handle the app puts on `window.sealdesk`, typed for browser tests with the app's own
 * RemoteDesk (derived from the Desk class and the worker's allow-list), so a test cannot call a
 * method the page may not, or call one with the wrong arguments, and a renamed desk method
 * fails to compile here too.
 */
import type { Page } from '@playwright/test';
import type { PageMethod } from '../../src/lib/desk/rpc';
import type { RemoteDesk } from '../../src/lib/ui/desk-client';

export type { RemoteDesk };

/** `window` as the app leaves it: `(window as unknown as DeskWindow).sealdesk` inside page.evaluate. */
export interface DeskWindow {
	sealdesk: RemoteDesk;
}

/** Calls one desk method through `window.sealdesk` in `page` (arguments and result cross as Playwright serialises them). */
export function callDesk<K extends PageMethod>(page: Page, method: K, ...args: Parameters<RemoteDesk[K]>): Promise<Awaited<ReturnType<RemoteDesk[K]>>> {
	return page.evaluate(
		async ([m, a]) => {
			const desk = (window as unknown as DeskWindow).sealdesk;
			return (desk[m] as (...x: unknown[]) => Promise<unknown>)(...a);
		},
		[method, args] as const
	) as Promise<Awaited<ReturnType<RemoteDesk[K]>>>;
}
