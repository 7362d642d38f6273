/**
 * The composer's engine: securityOptions (can this draft be signed or encrypted, why not, and
 * is it on by default for the group) and compose (build the message, sign then encrypt, log
 * it). Certificates, keys, recorded capabilities, groups and settings come from the store;
 * the message itself is built by smime/outgoing.
 */
import type { EncryptRecipient } from '../cms/enveloped';
import type { OutAddress, OutAttachment } from '../mime/out-headers';
import { parseAddressList } from '../mime/display';
import type { CertificateInfo } from '../pki/describe';
import { chooseContentEncryption, chooseKeyTransport, contentEncryptionName, normalizeCapabilities } from '../smime/algorithm-policy';
import { buildOutgoing, type OutgoingEncryption, type OutgoingSigner } from '../smime/outgoing';
import { issuerChain } from '../smime/outgoing-chain';
import { DraftError, makeMessageId, parseDraftAddresses } from '../smime/outgoing-draft';
import { evaluateSecurityOptions, type SecurityEvaluation } from '../smime/security-options';
import { caCertificateDers, capabilitiesOf, certificateDer, findCertificatesByEmail, isEnabled, privateKeySetFor } from './certificates';
import { contentEncryption as contentEncryptionSetting, signatureScheme } from './compose-settings';
import type { DeskContext } from './context';
import { getGroup, groupForEmail, listGroups, type Group } from './groups';
import { appendLog } from './log';
import { storeSent, threadOf } from './compose-article';
import type { SecurityResult } from '../smime/incoming-types';
import type { StoredAttachment } from './tickets';

/** The comment of both options while S/MIME is turned off. */
export const SMIME_OFF = 'S/MIME is turned off.';
/** The refusal of a draft without a From address. */
export const NO_SENDER = 'The message has no sender.';
/** The refusal of a draft without To or Cc. */
export const NO_RECIPIENT = 'The message has no recipient.';

/** Input of {@link securityOptions}. Addresses as in a draft; invalid ones are ignored here. */
export interface SecurityOptionsInput {
	from?: string | null;
	to?: string | readonly string[] | null;
	cc?: string | readonly string[] | null;
	/** Bcc: needs a certificate to encrypt, like To and Cc, but is never written into the message. */
	bcc?: string | readonly string[] | null;
	/** The group the draft is written in (its id, or its name); without it, the group whose sender email is From. */
	group?: string | null;
}

/** One option as the composer shows it. */
export interface SecurityOption {
	possible: boolean;
	/** Zammad's sentence, with the address(es) filled in. */
	comment: string;
	/** Whether the button starts switched on: possible, and the group's default is on (on without a group). */
	default: boolean;
}

/** The result of {@link securityOptions}. */
export interface SecurityOptions {
	sign: SecurityOption;
	encrypt: SecurityOption;
}

/**
 * An attachment of a draft. A string is sent as its UTF-8 bytes; a Blob (a File the agent
 * picked) is read in the worker and stored as it is, so the page need not load it. Also
 * accepted, as the display side names them: `name` for filename, `mimeType` or `type` for
 * contentType, `content` for data.
 */
export interface DraftAttachment {
	filename: string;
	/** Defaults to application/octet-stream. */
	contentType?: string;
	data: Uint8Array | string | Blob;
}

/** What the agent composed. Unknown options are rejected. */
export interface Draft {
	from: string;
	to?: string | readonly string[];
	cc?: string | readonly string[];
	/**
	 * Blind copies: in the submission's envelope and, when encrypting, given a RecipientInfo
	 * of their own (as Thunderbird does, so each can read the mail), but never in its headers.
	 */
	bcc?: string | readonly string[];
	subject?: string;
	text?: string;
	attachments?: readonly DraftAttachment[];
	/** Defaults to the security options' default. */
	sign?: boolean;
	/** Defaults to the security options' default. */
	encrypt?: boolean;
	/** The group (its id, or its name) whose defaults apply; without it, the group whose sender email is From. */
	group?: string;
	/** The ticket a reply belongs to. */
	ticketId?: number;
	/** Message-ID of the mail replied to. */
	inReplyTo?: string;
	/** Message-IDs of the thread, oldest first (an array, or a header-style string). */
	references?: readonly string[] | string;
}

/** A sent message. */
export interface ComposeResult {
	/** The RFC 5322 message as produced: CRLF, 7-bit. */
	raw: Uint8Array;
	/** With angle brackets. */
	messageId: string;
	signed: boolean;
	encrypted: boolean;
	/** 'AES-256-CBC' or 'AES-256-GCM' when encrypted, else null. */
	contentEncryption: string | null;
	/** SHA-256 fingerprint of the signing certificate, or null. */
	signer: string | null;
	/** SHA-256 fingerprints of the certificates the message was encrypted for (sender's copy included). */
	recipients: string[];
	/** The outgoing article the message was stored as, and its ticket. */
	articleId: number;
	ticketId: number;
}

const DRAFT_KEYS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'text', 'attachments', 'sign', 'encrypt', 'group', 'ticketId', 'inReplyTo', 'references']);

function looseAddresses(input: string | readonly string[] | null | undefined): string[] {
	const list = input == null ? [] : typeof input === 'string' ? [input] : input;
	const out: string[] = [];
	for (const s of list) {
		if (typeof s !== 'string') continue;
		for (const a of parseAddressList(s)) if (!out.includes(a.address)) out.push(a.address);
	}
	return out;
}

async function evaluate(ctx: DeskContext, from: string | null, recipients: string[]): Promise<SecurityEvaluation> {
	const byEmail = new Map<string, CertificateInfo[]>();
	for (const email of [...(from ? [from] : []), ...recipients]) {
		if (!byEmail.has(email)) byEmail.set(email, await findCertificatesByEmail(ctx, email));
	}
	return evaluateSecurityOptions({ from, recipients, certificatesByEmail: byEmail, now: ctx.now() });
}

async function groupOf(ctx: DeskContext, id: string | null | undefined, from: string | null): Promise<Group | null> {
	if (id) return (await getGroup(ctx, id)) ?? (await listGroups(ctx)).find((g) => g.name === id) ?? null;
	return from ? groupForEmail(ctx, from) : null;
}

function withDefaults(e: SecurityEvaluation, group: Group | null): SecurityOptions {
	return {
		sign: { possible: e.sign.possible, comment: e.sign.comment, default: e.sign.possible && (group?.sign ?? true) },
		encrypt: { possible: e.encrypt.possible, comment: e.encrypt.comment, default: e.encrypt.possible && (group?.encrypt ?? true) }
	};
}

function off(): SecurityOptions {
	return { sign: { possible: false, comment: SMIME_OFF, default: false }, encrypt: { possible: false, comment: SMIME_OFF, default: false } };
}

/**
 * Whether the draft can be signed and encrypted, the sentence saying why (not), and whether
 * each is on by default (possible and the group's default). Invalid addresses are ignored, so
 * the composer can call this while the agent types. Never rejects except on a database error.
 */
export async function securityOptions(ctx: DeskContext, input: SecurityOptionsInput): Promise<SecurityOptions> {
	if (!(await isEnabled(ctx))) return off();
	const from = looseAddresses(input.from)[0] ?? null;
	const recipients = looseAddresses([...looseAddresses(input.to), ...looseAddresses(input.cc), ...looseAddresses(input.bcc)]);
	const evaluation = await evaluate(ctx, from, recipients);
	return withDefaults(evaluation, await groupOf(ctx, input.group, from));
}

/** The fields an attachment may come with; the aliases match what the display side returns. */
interface LooseAttachment {
	filename?: unknown;
	name?: unknown;
	contentType?: unknown;
	mimeType?: unknown;
	type?: unknown;
	data?: unknown;
	content?: unknown;
}

function toAttachments(list: readonly DraftAttachment[] | undefined): OutAttachment[] {
	if (list === undefined) return [];
	if (!Array.isArray(list)) throw new DraftError('invalid-option', 'The attachments must be a list.');
	const out: OutAttachment[] = [];
	for (const a of list as LooseAttachment[]) {
		const filename = typeof a.filename === 'string' ? a.filename : a.name;
		if (typeof filename !== 'string' || filename.trim() === '') throw new DraftError('invalid-option', 'An attachment has no file name.');
		const raw = a.data ?? a.content;
		const type = [a.contentType, a.mimeType, a.type].find((t): t is string => typeof t === 'string' && t.length > 0) ?? 'application/octet-stream';
		if (raw instanceof Blob) {
			// Read from its stream as the message is written, never whole; buildOutgoing reports
			// a file it cannot read (or whose size changed) with the same sentence as before.
			out.push({ filename, contentType: type, data: raw });
			continue;
		}
		const data =
			typeof raw === 'string' ? new TextEncoder().encode(raw) : raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : null;
		if (!data) throw new DraftError('invalid-option', `The attachment "${filename}" has no data.`);
		out.push({ filename, contentType: type, data });
	}
	return out;
}

function references(r: Draft['references']): string[] {
	if (r === undefined) return [];
	return (typeof r === 'string' ? r.split(/\s+/) : [...r]).map((x) => x.trim()).filter((x) => x.length > 0);
}

interface Plan {
	from: OutAddress;
	to: OutAddress[];
	cc: OutAddress[];
	bcc: OutAddress[];
	sign: boolean;
	encrypt: boolean;
}

/** "from -> to, cc (Bcc: x)" for the log, which only this desk reads. */
function recipientsLine(plan: Plan): string {
	const open = [...plan.to, ...plan.cc].map((a) => a.address).join(', ');
	const blind = plan.bcc.length > 0 ? `${open ? ' ' : ''}(Bcc: ${plan.bcc.map((a) => a.address).join(', ')})` : '';
	return `${plan.from.address} -> ${open}${blind}`;
}

function operationOf(sign: boolean | undefined, encrypt: boolean | undefined): string {
	if (sign && encrypt) return 'sign+encrypt';
	if (sign) return 'sign';
	if (encrypt) return 'encrypt';
	return 'send';
}

/**
 * Builds and sends (returns) a message: signed when `sign`, encrypted for To, Cc, Bcc and the
 * sender when `encrypt` (each defaulting to the security options' default), sign then encrypt.
 * Writes one log entry (direction 'out') whether it succeeds or not.
 * @throws DraftError with the sentence for the agent, and nothing is produced, when the draft
 *   has no sender or recipient, an invalid address, signing requested without a usable
 *   certificate and key for From, or encryption requested while a recipient certificate is
 *   missing, not valid now or unusable; code 'failed' (with `cause`) when building fails
 */
export async function compose(ctx: DeskContext, draft: Draft): Promise<ComposeResult> {
	let plan: Plan | null = null;
	try {
		for (const key of Object.keys(draft)) if (!DRAFT_KEYS.has(key)) throw new DraftError('invalid-option', `Unknown draft option "${key}".`);
		const fromList = parseDraftAddresses(draft.from);
		const from = fromList[0];
		if (!from) throw new DraftError('no-sender', NO_SENDER);
		if (fromList.length > 1) throw new DraftError('invalid-address', 'The message must have exactly one sender.');
		const to = parseDraftAddresses(draft.to);
		const cc = parseDraftAddresses(draft.cc).filter((c) => !to.some((t) => t.address === c.address));
		// An address also in To or Cc gets the mail openly: a blind copy of it would add nothing.
		const bcc = parseDraftAddresses(draft.bcc).filter((b) => ![...to, ...cc].some((t) => t.address === b.address));
		if (to.length + cc.length + bcc.length === 0) throw new DraftError('no-recipient', NO_RECIPIENT);
		const recipients = [...to, ...cc, ...bcc].map((a) => a.address);
		const enabled = await isEnabled(ctx);
		const evaluation = enabled ? await evaluate(ctx, from.address, recipients) : null;
		const options = evaluation ? withDefaults(evaluation, await groupOf(ctx, draft.group, from.address)) : off();
		plan = { from, to, cc, bcc, sign: draft.sign ?? options.sign.default, encrypt: draft.encrypt ?? options.encrypt.default };
		if (plan.sign && !options.sign.possible) throw new DraftError('sign-impossible', options.sign.comment);
		if (plan.encrypt && !options.encrypt.possible) throw new DraftError('encrypt-impossible', options.encrypt.comment);
		let thread: { inReplyTo?: string; references: string[] } | null = null;
		if (draft.ticketId !== undefined) {
			thread = await threadOf(ctx, draft.ticketId);
			if (!thread) throw new DraftError('invalid-option', 'No ticket has this id.');
		}
		const inReplyTo = draft.inReplyTo ?? thread?.inReplyTo;
		const refs = draft.references !== undefined ? references(draft.references) : (thread?.references ?? []);
		const result = await build(ctx, draft, plan, evaluation, { ...(inReplyTo ? { inReplyTo } : {}), references: refs });
		const log = { direction: 'out', operation: operationOf(plan.sign, plan.encrypt), status: 'success', detail: result.detail, messageId: result.sent.messageId } as const;
		const ids = await storeSent(ctx, { raw: result.sent.raw, blob: result.blob, text: draft.text ?? '', attachments: result.attachments, security: result.security, bcc: plan.bcc }, log, draft.ticketId);
		return { ...result.sent, articleId: ids.id, ticketId: ids.ticketId };
	} catch (error) {
		const failure =
			error instanceof DraftError
				? error
				: new DraftError('failed', error instanceof Error ? error.message : 'The message could not be built.', { cause: error });
		const who = plan ? `${recipientsLine(plan)}: ` : '';
		await appendLog(ctx, {
			direction: 'out',
			operation: operationOf(plan?.sign ?? draft.sign, plan?.encrypt ?? draft.encrypt),
			status: 'failed',
			detail: who + failure.message,
			messageId: null
		}).catch(() => undefined);
		throw failure;
	}
}

interface Built {
	sent: Omit<ComposeResult, 'articleId' | 'ticketId'>;
	/** The message as stored: `sent.raw`'s bytes, copied as they were written. */
	blob: Blob;
	detail: string;
	security: SecurityResult;
	attachments: StoredAttachment[];
}

async function build(
	ctx: DeskContext,
	draft: Draft,
	plan: Plan,
	evaluation: SecurityEvaluation | null,
	thread: { inReplyTo?: string; references: string[] }
): Promise<Built> {
	if (draft.subject !== undefined && typeof draft.subject !== 'string') throw new DraftError('invalid-option', 'The subject must be text.');
	if (draft.subject !== undefined && /[\r\n]/.test(draft.subject)) throw new DraftError('invalid-option', 'The subject must be one line.');
	if (draft.text !== undefined && typeof draft.text !== 'string') throw new DraftError('invalid-option', 'The text must be text.');
	for (const id of [...(thread.inReplyTo ? [thread.inReplyTo] : []), ...thread.references]) {
		if (!/^<?[^\s<>]+@[^\s<>]+>?$/.test(id)) throw new DraftError('invalid-option', `The message ID "${id}" is not valid.`);
	}
	const attachments = toAttachments(draft.attachments);
	const now = ctx.now();
	const messageId = makeMessageId(plan.from.address, ctx.crypto);
	const notes: string[] = [];
	let signer: OutgoingSigner | undefined;
	let signerFingerprint: string | null = null;
	if (plan.sign && evaluation?.sign.certificate) {
		const info = evaluation.sign.certificate;
		const [certificate, keys] = await Promise.all([certificateDer(ctx, info.fingerprint), privateKeySetFor(ctx, info.fingerprint)]);
		if (!certificate || !keys) throw new DraftError('sign-impossible', `The certificate for ${plan.from.address} was not found.`);
		// Only CA certificates can be issuers: with a thousand stored, the rest need not be parsed.
		const chain = await issuerChain(certificate, await caCertificateDers(ctx), ctx.crypto);
		const scheme = await signatureScheme(ctx);
		signer = { certificate, chain, keys, scheme };
		signerFingerprint = info.fingerprint;
		const alg = keys.algorithm === 'RSA' ? (scheme === 'pss' ? 'RSA-PSS' : 'RSA PKCS#1 v1.5') : keys.algorithm === 'EC' ? 'ECDSA' : keys.algorithm;
		notes.push(`signed by ${info.subject} (${alg}, SHA-256, ${chain.length === 0 ? 'no CA certificate' : chain.length === 1 ? '1 CA certificate' : `${String(chain.length)} CA certificates`} included)`);
	}
	let encryption: OutgoingEncryption | undefined;
	const encryptedFor: string[] = [];
	if (plan.encrypt && evaluation?.encrypt.possible) {
		const recipients: EncryptRecipient[] = [];
		const gcmVotes: { capabilities: ReturnType<typeof normalizeCapabilities> }[] = [];
		const described: string[] = [];
		for (const { email, certificate: info } of evaluation.encrypt.recipients) {
			if (encryptedFor.includes(info.fingerprint)) continue;
			const der = await certificateDer(ctx, info.fingerprint);
			if (!der) throw new DraftError('encrypt-impossible', `The certificate for ${email} was not found.`);
			const capabilities = normalizeCapabilities(await capabilitiesOf(ctx, info.fingerprint));
			const keyTransport = chooseKeyTransport(capabilities);
			recipients.push(info.key.algorithm === 'RSA' ? { certificate: der, keyTransport } : { certificate: der });
			gcmVotes.push({ capabilities });
			encryptedFor.push(info.fingerprint);
			described.push(`${email} (${transportName(info, keyTransport)})`);
		}
		const own = evaluation.encrypt.sender;
		if (own && !encryptedFor.includes(own.fingerprint)) {
			const der = await certificateDer(ctx, own.fingerprint);
			if (der) {
				// Our own copy: OAEP when we hold the key, so reading sent mail never needs the legacy path.
				const keyTransport = own.hasPrivateKey ? 'rsa-oaep-sha256' : chooseKeyTransport(normalizeCapabilities(await capabilitiesOf(ctx, own.fingerprint)));
				recipients.push(own.key.algorithm === 'RSA' ? { certificate: der, keyTransport } : { certificate: der });
				encryptedFor.push(own.fingerprint);
				described.push(`${plan.from.address} (sender's copy, ${transportName(own, keyTransport)})`);
			}
		}
		const contentEncryption = chooseContentEncryption(gcmVotes, await contentEncryptionSetting(ctx));
		encryption = { recipients, contentEncryption };
		notes.push(`encrypted with ${contentEncryptionName(contentEncryption)} for ${described.join(', ')}`);
	}
	const message = await buildOutgoing({
		from: plan.from,
		to: plan.to,
		cc: plan.cc,
		subject: draft.subject ?? '',
		text: draft.text ?? '',
		attachments,
		messageId,
		...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
		references: thread.references,
		date: now,
		...(signer ? { sign: signer } : {}),
		...(encryption ? { encrypt: encryption } : {}),
		crypto: ctx.crypto
	});
	const detail = `${recipientsLine(plan)}: ${notes.length > 0 ? notes.join('; ') : 'sent without signature or encryption'}`;
	const contentName = message.contentEncryption ? contentEncryptionName(message.contentEncryption) : null;
	const security: SecurityResult = {
		sign: message.signed ? { status: 'valid', signer: plan.from.address, comment: evaluation?.sign.comment ?? '' } : { status: 'none', comment: '' },
		encryption: contentName ? { status: 'decrypted', comment: `Encrypted with ${contentName}.` } : { status: 'none', comment: '' },
		layers: [
			...(contentName ? [{ kind: 'encrypted', status: 'decrypted', contentEncryption: contentName } as const] : []),
			...(message.signed ? [{ kind: 'signed', form: 'detached', status: 'valid', covers: 'content' } as const] : [])
		]
	};
	return {
		security,
		attachments: attachments.map((a) => ({ name: a.filename, type: a.contentType, data: a.data })),
		blob: message.blob,
		sent: {
			raw: message.raw,
			messageId,
			signed: message.signed,
			encrypted: message.encrypted,
			contentEncryption: contentName,
			signer: signerFingerprint,
			recipients: encryptedFor
		},
		detail
	};
}

function transportName(info: CertificateInfo, keyTransport: 'rsa-pkcs1' | 'rsa-oaep-sha256'): string {
	if (info.key.algorithm === 'RSA') return keyTransport === 'rsa-oaep-sha256' ? 'RSA-OAEP SHA-256' : 'RSA PKCS#1 v1.5';
	if (info.key.algorithm === 'X25519') return 'X25519';
	return 'ECDH';
}
