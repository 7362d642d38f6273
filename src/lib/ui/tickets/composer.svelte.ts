/**
 * The composer: a reply on a ticket or a new ticket. From is the group's sender address; the
 * Encrypt and Sign toggles start from the group's defaults where they are possible, and are
 * re-checked (securityOptions) as recipients are typed. Sending runs compose in the desk
 * worker, which also stores the outgoing article; the page offers the .eml for download and
 * for the clipboard, since a browser cannot speak SMTP.
 */
import type { ComposeResult, DraftAttachment, SecurityOptions } from '$lib/desk/compose';
import { deliverySentence } from '$lib/ui/mailbox/delivery';
import type { Group } from '$lib/desk/groups';
import { desk } from '$lib/ui/desk-client';
import { emlName, formatSize } from './format';
import { defaultGroup } from './default-group';

/** Where a reply goes: the ticket, its customer and subject. */
export interface ReplyTo {
	ticketId: number;
	to: string;
	subject: string;
	/** Addresses the ticket's mail went to or came from; the first that is a group's sender picks the group. */
	groupEmails: readonly string[];
}

/** A message the composer produced. */
export interface SentMessage {
	raw: Uint8Array;
	filename: string;
	/** One sentence: what was done to it. */
	summary: string;
	/** With a mailbox connected: what became of it ('sent', 'queued', 'failed') and the sentence; null without one. */
	delivery: { state: 'sent' | 'queued' | 'failed'; sentence: string } | null;
	ticketId: number;
	articleId: number;
}

/** Where the browser remembers the group of the last message sent (a preference, not a secret). */
const LAST_GROUP_KEY = 'sealdesk:last-group';

function lastGroup(): string | null {
	try {
		return globalThis.localStorage.getItem(LAST_GROUP_KEY);
	} catch {
		return null;
	}
}

/** Above this size the composer says it is working on a large message. */
const LARGE = 1024 * 1024;

function describe(result: ComposeResult): string {
	const parts: string[] = [];
	if (result.signed) parts.push('signed');
	if (result.encrypted) parts.push(`encrypted with ${result.contentEncryption ?? 'AES'}`);
	return parts.length > 0 ? `The message was ${parts.join(' and ')}.` : 'The message was neither signed nor encrypted.';
}

/** The composer's state. */
export class Composer {
	groups = $state.raw<Group[]>([]);
	groupId = $state('');
	/** The From address typed in when there is no group. */
	fromText = $state('');
	to = $state('');
	cc = $state('');
	/** Blind copies: sent to and, when encrypting, encrypted for, but named in no header. */
	bcc = $state('');
	subject = $state('');
	text = $state('');
	files = $state.raw<File[]>([]);
	options = $state.raw<SecurityOptions | null>(null);
	/** The agent's own choice; null follows the default. */
	signChoice = $state<boolean | null>(null);
	encryptChoice = $state<boolean | null>(null);
	sending = $state(false);
	/** Live-region text while sending: what is being done, and how large the message is. */
	progress = $state('');
	sent = $state.raw<SentMessage | null>(null);
	error = $state<string | null>(null);
	readonly reply: ReplyTo | null;
	#generation = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(reply: ReplyTo | null) {
		this.reply = reply;
		if (reply) {
			this.to = reply.to;
			this.subject = reply.subject;
		}
	}

	/** The selected group, or null when there are none. */
	get group(): Group | null {
		return this.groups.find((g) => g.id === this.groupId) ?? null;
	}

	/** The sender address: the group's, or the typed one when there is no group. */
	get from(): string {
		return this.group?.email ?? this.fromText.trim();
	}

	/** Whether the message will be signed: possible, and chosen (or on by default). */
	get sign(): boolean {
		const o = this.options?.sign;
		return o?.possible === true && (this.signChoice ?? o.default);
	}

	/** Whether the message will be encrypted: possible, and chosen (or on by default). */
	get encrypt(): boolean {
		const o = this.options?.encrypt;
		return o?.possible === true && (this.encryptChoice ?? o.default);
	}

	/** Reads the groups, picks the starting group (see {@link defaultGroup}), and checks the options. */
	async start(): Promise<void> {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
		const signers = new Set<string>();
		try {
			const [groups, certificates] = await Promise.all([desk.listGroups(), desk.listCertificates()]);
			this.groups = groups;
			const now = Date.now();
			for (const c of certificates) {
				if (c.hasPrivateKey && c.usage.sign && Date.parse(c.notBefore) <= now && now <= Date.parse(c.notAfter)) for (const e of c.emails) signers.add(e);
			}
		} catch (error) {
			this.error = error instanceof Error ? error.message : 'The groups could not be read.';
		}
		this.groupId = defaultGroup(this.groups, this.reply?.groupEmails ?? [], lastGroup(), signers)?.id ?? '';
		await this.checkOptions();
	}

	/** Another group: its defaults apply again. */
	chooseGroup(id: string): void {
		this.groupId = id;
		this.signChoice = null;
		this.encryptChoice = null;
		void this.checkOptions();
	}

	/** Re-checks the options shortly after typing stops. */
	recipientsChanged(): void {
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.checkOptions(), 250);
	}

	/** Asks the desk whether this draft can be signed and encrypted, and why (not). Never rejects. */
	async checkOptions(): Promise<void> {
		clearTimeout(this.#timer);
		const generation = ++this.#generation;
		try {
			const options = await desk.securityOptions({ from: this.from, to: this.to, cc: this.cc, bcc: this.bcc, ...(this.group ? { group: this.group.id } : {}) });
			if (generation === this.#generation) this.options = options;
		} catch (error) {
			if (generation === this.#generation) this.error = error instanceof Error ? error.message : 'The security options could not be checked.';
		}
	}

	/** Flips Sign; does nothing while signing is not possible. */
	toggleSign(): void {
		if (this.options?.sign.possible) this.signChoice = !this.sign;
	}

	/** Flips Encrypt; does nothing while encryption is not possible. */
	toggleEncrypt(): void {
		if (this.options?.encrypt.possible) this.encryptChoice = !this.encrypt;
	}

	/** After a message was sent: a fresh draft (the reply's To and Subject again, nothing else), the group kept. */
	again(): void {
		this.sent = null;
		this.error = null;
		this.signChoice = null;
		this.encryptChoice = null;
		this.to = this.reply?.to ?? '';
		this.cc = '';
		this.bcc = '';
		this.subject = this.reply?.subject ?? '';
		this.text = '';
		this.files = [];
		void this.checkOptions();
	}

	/** Adds picked or dropped attachments. */
	addFiles(files: readonly File[]): void {
		this.files = [...this.files, ...files];
	}

	/** Removes one attachment. */
	removeFile(index: number): void {
		this.files = this.files.filter((_f, i) => i !== index);
	}

	/**
	 * Builds the message in the worker (sign, then encrypt), which stores it as an outgoing
	 * article. Never rejects: a refusal becomes {@link error}.
	 */
	async send(): Promise<SentMessage | null> {
		if (this.sending) return null;
		await this.checkOptions();
		this.sending = true;
		this.error = null;
		this.sent = null;
		const size = this.files.reduce((n, f) => n + f.size, 0) + this.text.length;
		const doing = this.sign && this.encrypt ? 'Signing and encrypting' : this.sign ? 'Signing' : this.encrypt ? 'Encrypting' : 'Building';
		this.progress = `${doing} the message${size > LARGE ? ` (${formatSize(size)}); large attachments take a moment` : ''}…`;
		try {
			// The files go to the desk worker as they are: it reads them, and stores them without a copy.
			const attachments: DraftAttachment[] = this.files.map((f) => ({ filename: f.name, contentType: f.type || 'application/octet-stream', data: f }));
			const result = await desk.compose({
				from: this.from,
				to: this.to,
				cc: this.cc,
				bcc: this.bcc,
				subject: this.subject,
				text: this.text,
				attachments,
				sign: this.sign,
				encrypt: this.encrypt,
				...(this.group ? { group: this.group.id } : {}),
				...(this.reply ? { ticketId: this.reply.ticketId } : {})
			});
			// With a mailbox connected, the message goes out through the outbox (queued while offline).
			// The message is built and stored whatever happens here: a sending problem is said, not thrown.
			let delivery: SentMessage['delivery'] = null;
			try {
				const accounts = await desk.listMailAccounts();
				if (accounts.length > 0) {
					const outcome = await desk.sendArticle(result.articleId);
					delivery = { state: outcome.state, sentence: deliverySentence(outcome) };
				}
			} catch (error) {
				delivery = { state: 'failed', sentence: `Not sent: ${error instanceof Error ? error.message : 'the outbox could not be used.'}` };
			}
			const sent: SentMessage = {
				raw: result.raw,
				filename: emlName(this.subject),
				summary: describe(result),
				delivery,
				ticketId: result.ticketId,
				articleId: result.articleId
			};
			this.sent = sent;
			this.text = '';
			this.files = [];
			if (this.group) {
				try {
					globalThis.localStorage.setItem(LAST_GROUP_KEY, this.group.id);
				} catch {
					// Storage refused: the next message starts from the usual default.
				}
			}
			return sent;
		} catch (error) {
			this.error = error instanceof Error ? error.message : 'The message could not be built.';
			return null;
		} finally {
			this.sending = false;
			this.progress = '';
		}
	}
}
