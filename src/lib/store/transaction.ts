/**
 * Ending a readwrite transaction that failed part-way, so that nothing it wrote stays.
 */

/**
 * Aborts a transaction that may already have finished or been aborted by its failing
 * request, and waits for it to end.
 * @returns the error the transaction ended with, or null when it had committed. Never throws.
 */
export async function abortAndSettle(tx: { abort(): void; done: Promise<void> }): Promise<unknown> {
	try {
		tx.abort();
	} catch {
		// Already finished or aborted by the failing request.
	}
	return tx.done.then(
		() => null,
		(error: unknown) => error
	);
}
