/**
 * The one date format of the app: the browser's locale, with the time zone named, so an agent
 * and an admin read the same time the same way on every page. The exact ISO time goes in a
 * `title` (see DateTime.svelte).
 */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, timeZone: string | undefined): Intl.DateTimeFormat {
	const key = `${locale ?? ''}|${timeZone ?? ''}`;
	let f = cache.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', ...(timeZone ? { timeZone } : {}) });
		cache.set(key, f);
	}
	return f;
}

/**
 * A time in the browser's locale and time zone, with the zone named ("Mar 2, 2026, 10:00 AM
 * GMT+1"). The input unchanged when it is not a time; empty for none.
 * @param locale - for tests; defaults to the browser's
 * @param timeZone - for tests; defaults to the browser's
 */
export function formatDateTime(iso: string | undefined, locale?: string, timeZone?: string): string {
	if (!iso) return '';
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : formatter(locale, timeZone).format(date);
}

/** The exact time as ISO 8601 in UTC, for a `title`; the input unchanged when it is not a time. */
export function exactTime(iso: string): string {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : date.toISOString();
}
