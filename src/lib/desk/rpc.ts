/**
 * The message protocol between the page and the desk worker. The desk runs in a dedicated
 * Worker so that large messages never block the page; the page calls it by method name and
 * gets a promise back. Both ends live here so that they cannot drift apart: what the page may
 * call ({@link DESK_API}), which result bytes are moved ({@link handedOver}), how an error and its
 * causes cross ({@link toRpcError}, {@link DeskError}), and the worker's dispatcher ({@link serveDesk}).
 * Everything the protocol names is typed against the {@link Desk} class, so a renamed or added
 * desk method fails to compile until it is listed here.
 */
import type { Desk, OpenDeskOptions } from './desk';
import type { SyncProgress } from './mailbox-sync';
import type { ImportErrorCode } from '../pki/errors';
import type { DraftErrorCode } from '../smime/outgoing-draft';
import type { MailboxErrorCode } from '../mailbox/errors';

type AnyFunction = (...args: never[]) => unknown;

/** The names of the desk's methods (not its `context`). */
export type DeskMethod = { [K in keyof Desk]: Desk[K] extends AnyFunction ? K : never }[keyof Desk];

/**
 * Every desk method, and whether the page may call it through the worker. A method that is
 * false is refused like an unknown name: `close` would shut the worker's database under the
 * page, and later calls would fail with nothing to reopen it. A new desk method does not
 * compile until it is decided here.
 */
export const DESK_API = {
	setEnabled: true,
	isEnabled: true,
	importFile: true,
	listCertificates: true,
	getCertificate: true,
	certificateDetails: true,
	deleteCertificate: true,
	deletePrivateKey: true,
	certificatePem: true,
	logs: true,
	receive: true,
	retry: true,
	trustSignerCertificate: true,
	listTickets: true,
	queryTickets: true,
	setTicketState: true,
	getTicket: true,
	getArticle: true,
	getAttachment: true,
	getSectionAttachment: true,
	articleRaw: true,
	setVaultPassphrase: true,
	unlockVault: true,
	lockVault: true,
	vaultAutoLock: true,
	setVaultAutoLock: true,
	vaultStatus: true,
	setStrictKeyCustody: true,
	settings: true,
	acceptSha1Signatures: true,
	setAcceptSha1Signatures: true,
	securityOptions: true,
	compose: true,
	listGroups: true,
	saveGroup: true,
	deleteGroup: true,
	contentEncryption: true,
	setContentEncryption: true,
	signatureScheme: true,
	setSignatureScheme: true,
	exportCertificates: true,
	exportLogs: true,
	importLogs: true,
	testMailbox: true,
	connectMailbox: true,
	listMailAccounts: true,
	disconnectMailbox: true,
	syncMailbox: true,
	stopMailboxSync: true,
	mailboxProgress: true,
	watchMailbox: true,
	mailboxPushState: true,
	sendArticle: true,
	sendQueued: true,
	deliveries: true,
	retryDelivery: true,
	close: false
} as const satisfies Record<DeskMethod, boolean>;

/** The desk methods the page may call. */
export type PageMethod = { [K in DeskMethod]: (typeof DESK_API)[K] extends true ? K : never }[DeskMethod];

/** The desk as the page sees it through the worker: the callable methods, always asynchronous. */
export type RemoteDesk = {
	[K in PageMethod]: (...args: Parameters<Desk[K]>) => Promise<Awaited<ReturnType<Desk[K]>>>;
};

/** Whether the page may call `name` (an own entry of {@link DESK_API} that is true; never an inherited name). */
export function isPageMethod(name: unknown): name is PageMethod {
	return typeof name === 'string' && Object.hasOwn(DESK_API, name) && DESK_API[name as DeskMethod];
}

/** Why the worker refused a call: no such operation, or one the page may not call. */
export type RpcRefusalCode = 'unknown-operation' | 'refused-operation';

/**
 * Every machine-readable error code the desk throws today: the import, draft and mailbox codes,
 * and the worker's refusals. A `code` outside this union is not carried to the page.
 */
export type DeskErrorCode = ImportErrorCode | DraftErrorCode | MailboxErrorCode | RpcRefusalCode;

/** The codes at run time; the Record type makes the compiler reject a missing or a stray code. */
const DESK_ERROR_CODES: Record<DeskErrorCode, true> = {
	unrecognised: true,
	'passphrase-required': true,
	'wrong-passphrase': true,
	'unsupported-algorithm': true,
	'not-smime': true,
	duplicate: true,
	'no-matching-certificate': true,
	disabled: true,
	'vault-locked': true,
	'custody-changed': true,
	'too-costly': true,
	'no-sender': true,
	'no-recipient': true,
	'invalid-address': true,
	'sign-impossible': true,
	'encrypt-impossible': true,
	'invalid-option': true,
	failed: true,
	unreachable: true,
	unauthorized: true,
	'not-jmap': true,
	'no-mail': true,
	request: true,
	protocol: true,
	'too-large': true,
	'other-origin': true,
	'unknown-operation': true,
	'refused-operation': true
};

/** Whether `code` is one of the {@link DeskErrorCode}s. */
export function isDeskErrorCode(code: unknown): code is DeskErrorCode {
	return typeof code === 'string' && Object.hasOwn(DESK_ERROR_CODES, code);
}

/** One error of a cause chain as it crosses: plain data, so it survives structured cloning. */
export interface RpcCause {
	name: string;
	message: string;
	code?: DeskErrorCode;
	cause?: RpcCause;
}

/** What a thrown error becomes on the way back: its message is the user-facing sentence. */
export type RpcError = RpcCause;

/** A call from the page to the worker. */
export interface RpcRequest<K extends PageMethod = PageMethod> {
	id: number;
	method: K;
	args: Parameters<Desk[K]>;
}

/** The worker's answer to one call, or a notice to the whole page (id 0). */
export type RpcResponse =
	| { id: number; kind: 'result'; value: unknown }
	| { id: number; kind: 'error'; error: RpcError }
	| { id: 0; kind: 'progress'; progress: SyncProgress[] }
	| { id: 0; kind: 'version-change'; message: string };

/** What a page is told when another tab upgraded the database and this tab's connection was closed. */
export const RELOAD_NEEDED = 'Sealdesk was updated in another tab. Reload this page to continue.';

/** How many causes deep a chain is carried; deeper ones (or a cycle) are cut off there. */
const MAX_CAUSES = 8;

/** An Error rebuilt in the page from the worker's RpcError, keeping its name, code and causes. */
export class DeskError extends Error {
	/** The machine-readable reason, when the desk gave one. */
	readonly code: DeskErrorCode | undefined;

	constructor(error: RpcError) {
		super(error.message, error.cause ? { cause: new DeskError(error.cause) } : undefined);
		this.name = error.name;
		this.code = error.code;
	}
}

function describeThrown(error: unknown, depth: number, seen: Set<unknown>): RpcCause {
	if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
	const code: unknown = (error as { code?: unknown }).code;
	const out: RpcCause = { name: error.name, message: error.message, ...(isDeskErrorCode(code) ? { code } : {}) };
	seen.add(error);
	if (error.cause !== undefined && depth < MAX_CAUSES && !seen.has(error.cause)) {
		out.cause = describeThrown(error.cause, depth + 1, seen);
	}
	return out;
}

/**
 * Turns anything thrown into an RpcError that survives structured cloning: name, message, the
 * code when it is a {@link DeskErrorCode}, and the same for each `cause` (at most 8 deep).
 */
export function toRpcError(error: unknown): RpcError {
	return describeThrown(error, 0, new Set());
}

/** The fulfilled value of a desk method. */
export type DeskResult<K extends DeskMethod> = Awaited<ReturnType<Desk[K]>>;

/**
 * The large byte arrays a result hands over to the page: moved (transferred), not copied. Each
 * one's whole buffer belongs to it alone and the worker keeps no reference to it: the built
 * message (a view into the buffer it was written in, with at most a little spare room after it)
 * once stored, or bytes just read from the store. For a 25 MB message that saves a copy and its
 * memory.
 */
const HANDED_OVER = {
	compose: (value) => value.raw,
	getAttachment: (value) => value,
	getSectionAttachment: (value) => value,
	articleRaw: (value) => value
} satisfies Partial<{ [K in PageMethod]: (value: DeskResult<K>) => Uint8Array | null }>;

/** The buffers to transfer with the result `value` of `method` (empty when nothing is moved). */
export function handedOver(method: PageMethod, value: unknown): ArrayBuffer[] {
	if (!Object.hasOwn(HANDED_OVER, method) || value === null || typeof value !== 'object') return [];
	const pick = HANDED_OVER[method as keyof typeof HANDED_OVER] as (value: unknown) => unknown;
	const bytes = pick(value);
	return bytes instanceof Uint8Array && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

/** The worker's side of a message port: what {@link serveDesk} needs of `self` (or of a MessagePort in tests). */
export interface RpcEndpoint {
	postMessage(message: RpcResponse, transfer: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** The sentence for a name that is no desk operation. */
export function unknownOperation(name: string): string {
	return `"${name.slice(0, 80)}" is not a desk operation.`;
}

/** The sentence for a desk operation the page may not call. */
export function refusedOperation(name: string): string {
	return `The page cannot call the desk operation "${name}".`;
}

class RefusedCall extends Error {
	override readonly name = 'RefusedCall';
	readonly code: RpcRefusalCode;

	constructor(code: RpcRefusalCode, message: string) {
		super(message);
		this.code = code;
	}
}

/** A request as checked: a call to run, a refusal to answer, or null for a message that is no call. */
type Checked = { id: number; method: PageMethod; args: unknown[] } | { id: number; refusal: RefusedCall } | null;

/** Checks a message from the page against {@link DESK_API}, without touching the desk. */
function checkRequest(data: unknown): Checked {
	if (data === null || typeof data !== 'object') return null;
	const { id, method, args } = data as { id?: unknown; method?: unknown; args?: unknown };
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null;
	if (isPageMethod(method)) return { id, method, args: Array.isArray(args) ? args : [] };
	const name = typeof method === 'string' ? method : `(${typeof method})`;
	const refusal =
		typeof method === 'string' && Object.hasOwn(DESK_API, method)
			? new RefusedCall('refused-operation', refusedOperation(name))
			: new RefusedCall('unknown-operation', unknownOperation(name));
	return { id, refusal };
}

/** The openDesk options through which the served desk's notices reach the page. */
export type DeskNotices = Required<Pick<OpenDeskOptions, 'onVersionChange' | 'onMailboxProgress'>>;

/**
 * Serves the desk on `endpoint` (the worker's `self`): each request runs one allowed desk method
 * and is answered with its result (with its large bytes moved) or its error. Anything not in
 * {@link DESK_API} is answered with a refusal, never looked up on the desk. A message without a
 * positive numeric id is ignored: there is no call to answer. The desk's notices go to the page
 * as id-0 messages: 'version-change' when another tab upgraded the database (this desk's
 * connection is closed, and the page asks for a reload), and 'progress' each time a mailbox
 * sync's "n of N" moves.
 * @param open - opens the desk on the first call (called once), passing `notices` to openDesk
 */
export function serveDesk(endpoint: RpcEndpoint, open: (notices: DeskNotices) => Promise<Desk>): void {
	const notices: DeskNotices = {
		onVersionChange: () => {
			endpoint.postMessage({ id: 0, kind: 'version-change', message: RELOAD_NEEDED }, []);
		},
		onMailboxProgress: (progress) => {
			endpoint.postMessage({ id: 0, kind: 'progress', progress }, []);
		}
	};
	let opened: Promise<Desk> | null = null;
	endpoint.addEventListener('message', (event) => {
		const request = checkRequest(event.data);
		if (!request) return;
		if ('refusal' in request) {
			endpoint.postMessage({ id: request.id, kind: 'error', error: toRpcError(request.refusal) }, []);
			return;
		}
		const { id, method, args } = request;
		const run = async (): Promise<unknown> => {
			opened ??= open(notices);
			const desk = await opened;
			return (desk[method] as (...a: unknown[]) => unknown).apply(desk, args);
		};
		run().then(
			(value) => {
				endpoint.postMessage({ id, kind: 'result', value }, handedOver(method, value));
			},
			(error: unknown) => {
				endpoint.postMessage({ id, kind: 'error', error: toRpcError(error) }, []);
			}
		);
	});
}
