/**
 * The one icon set of the app: SVG paths on a 24×24 grid, drawn with a 2px stroke in the
 * current text colour. Icons are decorative; the text beside each says the same. No emoji:
 * they show as empty boxes on machines without an emoji font.
 */

/** Every icon the app draws. */
export type IconName =
	| 'valid'
	| 'invalid'
	| 'untrusted'
	| 'expired'
	| 'mismatch'
	| 'decrypted'
	| 'no-key'
	| 'failed'
	| 'unchecked'
	| 'plain'
	| 'lock'
	| 'sign'
	| 'check'
	| 'cross'
	| 'working'
	| 'warning'
	| 'offline'
	| 'search'
	| 'up'
	| 'down';

/** The path data of each icon (one or more `d` attributes). */
export const ICON_PATHS: Record<IconName, readonly string[]> = {
	// A shield with a tick.
	valid: ['M12 2l8 3v6c0 5-3.5 9.5-8 11-4.5-1.5-8-6-8-11V5z', 'M8.5 12l2.5 2.5 4.5-5'],
	// A shield with a cross.
	invalid: ['M12 2l8 3v6c0 5-3.5 9.5-8 11-4.5-1.5-8-6-8-11V5z', 'M9.5 9.5l5 5', 'M14.5 9.5l-5 5'],
	// A shield with a question mark.
	untrusted: ['M12 2l8 3v6c0 5-3.5 9.5-8 11-4.5-1.5-8-6-8-11V5z', 'M10 9.5a2 2 0 1 1 2.8 1.8c-.5.3-.8.7-.8 1.2v.5', 'M12 16h.01'],
	// An hourglass.
	expired: ['M6 2h12', 'M6 22h12', 'M7 2c0 5 10 5 10 10S7 17 7 22', 'M17 2c0 5-10 5-10 10s10 5 10 10'],
	// A person with a cross: the signer is not the sender.
	mismatch: ['M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M2 21v-1a6 6 0 0 1 10-4.5', 'M16 15l5 5', 'M21 15l-5 5'],
	// A closed padlock.
	decrypted: ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 8 0v4'],
	lock: ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 8 0v4'],
	// A key, struck through.
	'no-key': ['M7.5 17.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z', 'M10 12.5L19 4', 'M16 7l2 2', 'M3 3l18 18'],
	// An open padlock.
	failed: ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 7.7-1.5'],
	// A circle with a dash: not checked.
	unchecked: ['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z', 'M8 12h8'],
	// An envelope.
	plain: ['M3 5h18v14H3z', 'M3 5l9 8 9-8'],
	// A pen nib.
	sign: ['M12 19l7-7 3 3-7 7z', 'M18 13l-1.5-7.5L2 2l3.5 14.5L13 18z', 'M2 2l7.6 7.6', 'M11 13a2 2 0 1 0 0-4 2 2 0 0 0 0 4z'],
	check: ['M4 12l5 5L20 6'],
	cross: ['M6 6l12 12', 'M18 6L6 18'],
	// Three dots.
	working: ['M5 12h.01', 'M12 12h.01', 'M19 12h.01'],
	// A triangle with an exclamation mark.
	warning: ['M12 3L2 21h20z', 'M12 10v5', 'M12 18h.01'],
	// A cloud, struck through.
	offline: ['M7 18a5 5 0 0 1-.5-10A6 6 0 0 1 18 9a4.5 4.5 0 0 1 .5 9z', 'M3 3l18 18'],
	search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z', 'M21 21l-5-5'],
	// Chevrons: a column sorted ascending or descending.
	up: ['M6 15l6-6 6 6'],
	down: ['M6 9l6 6 6-6']
};
