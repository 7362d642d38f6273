/** Small display helpers of the ticket pages: addresses, dates, sizes and downloads. */
import type { Address } from '$lib/mime/display';

/** "Name <address>" or just the address. */
export function formatAddress(a: Address): string {
	return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** A list of addresses, comma-separated; empty string for none. */
export function formatAddresses(list: readonly Address[]): string {
	return list.map(formatAddress).join(', ');
}

/** A byte count as "812 bytes", "12.4 KB" or "3.1 MB". */
export function formatSize(bytes: number): string {
	if (bytes < 1024) return `${String(bytes)} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Offers bytes as a file download (a blob URL on a temporary link). */
export function saveBytes(data: Uint8Array, filename: string, type: string): void {
	const url = URL.createObjectURL(new Blob([data.slice()], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	link.rel = 'noopener';
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => {
		URL.revokeObjectURL(url);
	}, 60_000);
}

/** A file name for a message: its subject, made safe, with .eml. */
export function emlName(subject: string): string {
	const base = subject.replace(/[^\p{L}\p{N} ._-]+/gu, '').trim().replace(/\s+/g, '-').slice(0, 60);
	return `${base || 'message'}.eml`;
}

/** "Re: subject", without stacking prefixes. */
export function replySubject(subject: string): string {
	return /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

/** A hex fingerprint as upper-case byte pairs joined by colons, as certificate viewers show it. */
export function formatFingerprint(hex: string): string {
	return (hex.toUpperCase().match(/../g) ?? []).join(':');
}
