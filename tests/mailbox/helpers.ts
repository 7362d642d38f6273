// Shared by the mailbox tests: the Cyrus of tests/mailbox/global-setup.ts and LMTP delivery.
import { inject } from 'vitest';
import { deliverLmtp } from '../../scripts/mailserver.mjs';
import { JmapClient } from '../../src/lib/mailbox';

/** The run's Cyrus. */
export function mailserver(): ReturnType<typeof inject<'mailserver'>> {
	return inject('mailserver');
}

/** A client logged in as `user`. */
export function connectAs(user: string): Promise<JmapClient> {
	const server = mailserver();
	const password = server.users[user];
	if (password === undefined) throw new Error(`No test user ${user}`);
	return JmapClient.connect({ sessionUrl: server.sessionUrl, username: user, password, fetch });
}

/** Delivers a raw message (LF or CRLF) to local users over LMTP, as incoming mail arrives. */
export async function deliver(users: string | string[], raw: string | Uint8Array, from = 'sender@example.org'): Promise<void> {
	const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw.replace(/\r?\n/g, '\r\n')) : raw;
	const results = await deliverLmtp(mailserver().lmtpSocket, from, Array.isArray(users) ? users : [users], bytes);
	const failed = results.filter((r) => r.code !== 250);
	if (failed.length > 0) throw new Error(`LMTP: ${failed.map((r) => r.text).join('; ')}`);
}

/** A small plain message with CRLF line ends. */
export function plainMail(options: { from: string; to: string; subject: string; messageId: string; body?: string }): string {
	return [
		`From: ${options.from}`,
		`To: ${options.to}`,
		`Subject: ${options.subject}`,
		`Message-ID: <${options.messageId}>`,
		'Date: Tue, 01 Dec 2026 10:00:00 +0000',
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		options.body ?? 'Hello.',
		''
	].join('\r\n');
}

/** Waits until `check` returns a value other than undefined (polling), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
	const until = Date.now() + ms;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error('Timed out waiting for the mail server.');
		// Not faster: each look holds the user's mailbox lock, which LMTP delivery needs too.
		await new Promise((r) => setTimeout(r, 500));
	}
}
