/** The one error the MIME layer throws on malformed input. */
export class MimeError extends Error {
	/**
	 * @param message - a short, exact sentence for the user or log
	 * @param options - `cause` of the underlying failure, if any
	 */
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'MimeError';
	}
}
