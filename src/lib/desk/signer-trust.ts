/**
 * "Trust this certificate…": the agent confirms an untrusted signer's certificate, which is
 * then imported like any admin import (and logged so), and the article is checked again.
 */
import { describeSignerCertificate } from '../smime/signer-certificate';
import type { DeskContext } from './context';
import { importFile } from './certificates';
import { retry } from './receive';
import { articleRecord, type Article } from './tickets';

/** The refusal when the article names no untrusted signer certificate. */
export const NO_UNTRUSTED_SIGNER = 'This article has no untrusted signer certificate to trust.';
/** The refusal when the fingerprint the agent confirmed is not the article's signer certificate. */
export const CERTIFICATE_CHANGED = 'The certificate is not the one shown. Check it again before trusting it.';
/** The refusal for a CA certificate, or one not meant for signing mail. */
export const NOT_TRUSTABLE = 'This certificate cannot be trusted here: only an end-entity certificate for e-mail signing can.';

/**
 * Imports the untrusted signer certificate of an article, after the agent confirmed its
 * fingerprint, and re-checks the article with it.
 * @param fingerprint - the SHA-256 fingerprint the agent was shown and confirmed
 * @returns the article as checked again
 * @throws Error "No article has this id.", {@link NO_UNTRUSTED_SIGNER}, {@link CERTIFICATE_CHANGED}
 *   or {@link NOT_TRUSTABLE}; ImportError 'disabled' ("Enable S/MIME first.") while S/MIME is off
 */
export async function trustSignerCertificate(ctx: DeskContext, articleId: number, fingerprint: string): Promise<Article> {
	const record = await articleRecord(ctx, articleId);
	if (!record) throw new Error('No article has this id.');
	const shown = record.security.sign.certificate;
	const der = record.signerCertificate;
	if (record.security.sign.status !== 'untrusted' || !shown || !der) throw new Error(NO_UNTRUSTED_SIGNER);
	// The stored DER is described again: the decision rests on the certificate, not on a stored summary.
	const now = await describeSignerCertificate(der, ctx.crypto);
	if (!now || now.fingerprint !== shown.fingerprint || now.fingerprint !== fingerprint.trim().toLowerCase()) throw new Error(CERTIFICATE_CHANGED);
	if (!now.trustable) throw new Error(NOT_TRUSTABLE);
	await importFile(ctx, { name: `signer certificate of article ${String(articleId)}`, data: der });
	return retry(ctx, articleId);
}
