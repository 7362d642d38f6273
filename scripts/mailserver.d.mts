export const CYRUS_BIN: string;
export const SERVERNAME: string;
export const LOCAL_DOMAINS: string[];
export const REFUSED_PREFIX: string;
export const DEFAULT_USERS: Record<string, string>;
export function cyrusInstalled(): boolean;
export function freePort(): Promise<number>;
export function deliverLmtp(socketPath: string, from: string, users: string[], data: Uint8Array): Promise<{ user: string; code: number; text: string }[]>;
export function imapLogin(port: number, user: string, password: string): Promise<void>;
export interface MailServer {
	dir: string;
	origin: string;
	sessionUrl: string;
	httpPort: number;
	imapPort: number;
	smtpPort: number;
	lmtpSocket: string;
	users: Record<string, string>;
	sink: { messages: { from: string; to: string[]; data: Buffer }[] };
	deliver(user: string | string[], raw: string | Uint8Array, from?: string): Promise<void>;
	stop(): Promise<void>;
}
export function startMailServer(options?: { users?: Record<string, string>; httpPort?: number; imapPort?: number }): Promise<MailServer>;
