/** Byte-exact MIME layer: parse, split, classify, build, display. */
export { MimeError } from './errors';
export { canonicalize, base64Lines, indexOfBytes } from './bytes';
export { decodeBase64, decodeCleanBase64 } from './base64-decode';
export { parseEntity, parts, decodeBody, splitMultipart, parseContentType, parseParams, MAX_DEPTH } from './entity';
export type { MimeEntity, Header, ContentType, MultipartSplit } from './entity';
export { classifySmime, splitSigned } from './smime';
export { hasTooManyParts, MAX_PARTS } from './part-count';
export { isWellFormedEntity } from './well-formed';
export type { SmimeKind, SignedSplit } from './smime';
export { encodeQuotedPrintable, encodeHeaderWord, formatAddress, filenameParam, isPrintableAscii } from './encode';
export {
	buildMessage,
	buildContentEntity,
	buildTextEntity,
	buildAttachmentEntity,
	buildMultipartSigned,
	buildPkcs7Mime,
	makeBoundary,
	formatDate,
	utf8,
} from './build';
export type { BuildMessageOptions, OutAddress, OutAttachment } from './build';
export { toDisplay, readHeaders, parseAddressList, isValidAddress, decodeHeaderWords } from './display';
export type { Address, DisplayContent, MessageHeaders } from './display';
