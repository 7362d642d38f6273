/**
 * What to tell the user when IndexedDB refuses a write. The browser reports a full disk or
 * an exhausted quota as a QuotaExceededError, on the failing request or on the aborted
 * transaction, sometimes wrapped; the rest (a tab closing, a version change) is an abort.
 */

/** The sentence for a write refused because the browser's storage is full. */
export const STORAGE_FULL = "The browser's storage is full.";

/** Whether an error (or one of an array of errors), or any error in its `cause` chain, is a QuotaExceededError. Never throws. */
export function isQuotaExceeded(error: unknown): boolean {
	if (Array.isArray(error)) return error.some(isQuotaExceeded);
	for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
		if ((e as { name?: unknown }).name === 'QuotaExceededError') return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

/**
 * The user-facing sentence for a failed write: the storage-full sentence followed by what
 * was not stored, or `otherwise` for any other failure.
 * @param notStored - e.g. "The mail was not stored."
 */
export function writeFailureMessage(error: unknown, notStored: string, otherwise: string): string {
	return isQuotaExceeded(error) ? `${STORAGE_FULL} ${notStored}` : otherwise;
}
