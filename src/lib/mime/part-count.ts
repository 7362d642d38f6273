/**
 * The cap on MIME parts processed. A hostile message can hold millions of empty parts (seven
 * bytes each fit 7 million in 50 MB), and parsing them for display took about 5 s per 100,000.
 * A message over the cap is not taken apart at all: it is stored, and shown as too large in parts.
 */
import { MAX_DEPTH, parseEntity, parts, type MimeEntity } from './entity';
import { postalContentType, postalTransferEncoding } from './postal-reading';

/** The most MIME parts (all levels, attached messages included) a message may have to be processed. */
export const MAX_PARTS = 1000;

/**
 * True when the entity has more than `max` parts below it: multipart children at every depth,
 * and the parts of attached messages (message/rfc822, not base64 encoded). The work is bounded
 * by `max`: no multipart is split further than the parts still allowed. Never throws; nesting
 * deeper than the MIME layer's limit stops the count there (reported elsewhere as too deep).
 */
export function hasTooManyParts(raw: Uint8Array, max = MAX_PARTS): boolean {
	let budget = max;
	const visit = (entity: MimeEntity): boolean => {
		let children: MimeEntity[];
		try {
			// Content-Type as postal-mime reads it: a comment must not hide a multipart from the count.
			children = parts({ ...entity, contentType: postalContentType(entity.headers) }, budget + 1);
		} catch {
			return false;
		}
		if (children.length === 0 && isAttachedMessage(entity)) children = [parseEntity(entity.body, entity.depth + 1)];
		budget -= children.length;
		if (budget < 0) return true;
		for (const child of children) if (visit(child)) return true;
		return false;
	};
	return visit(parseEntity(raw));
}

function isAttachedMessage(entity: MimeEntity): boolean {
	const { type, subtype } = postalContentType(entity.headers);
	if (type !== 'message' || (subtype !== 'rfc822' && subtype !== 'global')) return false;
	if (entity.depth >= MAX_DEPTH) return false;
	return postalTransferEncoding(entity.headers) !== 'base64';
}
