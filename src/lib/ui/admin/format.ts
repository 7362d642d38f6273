/**
 * Wording of the certificate list: a certificate's label, its badges and dates, and the
 * summary line of an import. Pure functions, so the words are the same everywhere.
 */
import type { CertificateInfo } from '$lib/pki/describe';
import { formatDateTime } from '$lib/ui/dates';

/** One badge: its text is the status (colour only repeats it). */
export interface Badge {
	id: 'ca' | 'learned' | 'key' | 'sign' | 'encrypt' | 'expired' | 'not-yet-valid' | 'expiring';
	text: string;
	tone: 'neutral' | 'ok' | 'warn' | 'bad';
}

const DAY = 24 * 60 * 60 * 1000;

/** The common name of a slash-form subject, or null when it has none. */
function commonName(subject: string): string | null {
	const match = /\/CN=([^/]*)/.exec(subject);
	return match?.[1] ?? null;
}

/** A short name for a certificate in sentences: its first email, else its CN, else its subject. */
export function certificateLabel(info: CertificateInfo): string {
	return info.emails[0] ?? commonName(info.subject) ?? info.subject;
}

/** The badges of a certificate at `now`, in a fixed order. */
export function certificateBadges(info: CertificateInfo, now: Date): Badge[] {
	const badges: Badge[] = [];
	if (info.isCA) badges.push({ id: 'ca', text: 'CA', tone: 'neutral' });
	if (info.source === 'mail') badges.push({ id: 'learned', text: 'learned from mail', tone: 'neutral' });
	if (info.hasPrivateKey) badges.push({ id: 'key', text: 'Including private key', tone: 'ok' });
	if (info.usage.sign) badges.push({ id: 'sign', text: 'sign', tone: 'neutral' });
	if (info.usage.encrypt) badges.push({ id: 'encrypt', text: 'encrypt', tone: 'neutral' });
	const from = Date.parse(info.notBefore);
	const to = Date.parse(info.notAfter);
	const t = now.getTime();
	if (t > to) badges.push({ id: 'expired', text: 'expired', tone: 'bad' });
	else if (t < from) badges.push({ id: 'not-yet-valid', text: 'not yet valid', tone: 'warn' });
	else if (to - t <= 30 * DAY) badges.push({ id: 'expiring', text: 'expires within 30 days', tone: 'warn' });
	return badges;
}

/** Whether a certificate has expired at `now`. */
function isExpired(info: Pick<CertificateInfo, 'notAfter'>, now: Date): boolean {
	return now.getTime() > Date.parse(info.notAfter);
}

/** Whether a certificate is valid at `now` and expires within 30 days of it. */
function expiresSoon(info: Pick<CertificateInfo, 'notAfter' | 'notBefore'>, now: Date): boolean {
	const to = Date.parse(info.notAfter);
	const t = now.getTime();
	return t <= to && t >= Date.parse(info.notBefore) && to - t <= 30 * DAY;
}

/**
 * The summary line at the top of the admin page: how many certificates have expired and how
 * many expire within 30 days, e.g. "2 certificates expire within 30 days." Empty when none.
 */
export function expirySummary(list: readonly CertificateInfo[], now: Date): string {
	let expired = 0;
	let soon = 0;
	for (const c of list) {
		if (isExpired(c, now)) expired++;
		else if (expiresSoon(c, now)) soon++;
	}
	const parts: string[] = [];
	if (soon > 0) parts.push(soon === 1 ? '1 certificate expires within 30 days.' : `${String(soon)} certificates expire within 30 days.`);
	if (expired > 0) parts.push(expired === 1 ? '1 certificate has expired.' : `${String(expired)} certificates have expired.`);
	return parts.join(' ');
}

/** Bytes as KB/MB/GB with one decimal. */
export function formatBytes(bytes: number): string {
	const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** The fields the list sorts by (the table's columns). */
export type SortKey = 'subject' | 'email' | 'sha1' | 'notBefore' | 'notAfter' | 'key';

/** Sorts a copy of the list, ascending or descending; ties keep the subject order. Without email (or key) sorts last ascending. */
export function sortCertificates(list: readonly CertificateInfo[], key: SortKey, descending = false): CertificateInfo[] {
	const value = (c: CertificateInfo): string => {
		switch (key) {
			case 'subject':
				return c.subject;
			case 'email':
				return c.emails[0] ?? '\uffff';
			case 'key':
				return c.hasPrivateKey ? '0' : '1';
			default:
				return c[key];
		}
	};
	const sign = descending ? -1 : 1;
	return [...list].sort((a, b) => sign * value(a).localeCompare(value(b)) || a.subject.localeCompare(b.subject));
}

/** The certificates with an email containing `query` (case-insensitive); all of them for an empty query. */
export function filterByEmail(list: readonly CertificateInfo[], query: string): readonly CertificateInfo[] {
	const q = query.trim().toLowerCase();
	if (q === '') return list;
	return list.filter((c) => c.emails.some((e) => e.includes(q)));
}

/**
 * The result line of a successful import, for example "Imported the certificate of alice@x and
 * its private key.", followed by a sentence for each imported certificate that has expired or
 * expires within 30 days at `now` ("The certificate of x expired on …").
 */
export function importSummaryText(certificates: CertificateInfo[], privateKeys: { fingerprint: string }[], known: readonly CertificateInfo[], now?: Date): string {
	const parts: string[] = [];
	if (certificates.length === 1 && certificates[0]) parts.push(`the certificate of ${certificateLabel(certificates[0])}`);
	else if (certificates.length > 1) parts.push(`${certificates.length} certificates (${certificates.map(certificateLabel).join(', ')})`);
	const keyOwners = privateKeys.map((k) => {
		const owner = certificates.find((c) => c.fingerprint === k.fingerprint) ?? known.find((c) => c.fingerprint === k.fingerprint);
		return owner ? certificateLabel(owner) : k.fingerprint.slice(0, 16);
	});
	if (keyOwners.length > 0) {
		const own = certificates.length === 1 && privateKeys.length === 1 && certificates[0]?.fingerprint === privateKeys[0]?.fingerprint;
		parts.push(own ? 'its private key' : `the ${keyOwners.length === 1 ? 'private key' : 'private keys'} of ${keyOwners.join(', ')}`);
	}
	const warnings = now
		? certificates.flatMap((c) =>
				isExpired(c, now) ? [`The certificate of ${certificateLabel(c)} expired on ${formatDateTime(c.notAfter)}.`] : expiresSoon(c, now) ? [`The certificate of ${certificateLabel(c)} expires on ${formatDateTime(c.notAfter)}, within 30 days.`] : []
			)
		: [];
	return [`Imported ${parts.join(' and ')}.`, ...warnings].join(' ');
}
