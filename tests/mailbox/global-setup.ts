// Starts one throwaway Cyrus for the whole vitest run (about 0.2 s) and tells the test files
// where it is through provide/inject. Tests create their own users' mail, so files share it.
import type { TestProject } from 'vitest/node';
import { startMailServer } from '../../scripts/mailserver.mjs';

/** What the test files get with inject('mailserver'). */
export interface MailServerInfo {
	origin: string;
	sessionUrl: string;
	lmtpSocket: string;
	imapPort: number;
	users: Record<string, string>;
}

declare module 'vitest' {
	export interface ProvidedContext {
		mailserver: MailServerInfo;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	// carol: a To recipient beside a Bcc (her certificate is in the test PKI).
	const users: Record<string, string> = { alice: 'alice-password', bob: 'bob-password', carol: 'carol-password' };
	// Each test file that needs a fresh mailbox uses its own pair of users.
	for (let i = 1; i <= 17; i++) {
		users[`agent${String(i)}`] = `agent${String(i)}-password`;
		users[`customer${String(i)}`] = `customer${String(i)}-password`;
	}
	const server = await startMailServer({ users });
	project.provide('mailserver', { origin: server.origin, sessionUrl: server.sessionUrl, lmtpSocket: server.lmtpSocket, imapPort: server.imapPort, users });
	return () => server.stop();
}
