/**
 * The app core's public surface: openDesk and the types its results use.
 */
export { openDesk, Desk, type OpenDeskOptions, type DeskSettings, type ImportFileInput, type ImportSummary, type VaultStatus } from './desk';
export { ImportError, type ImportErrorCode, type CertificateInfo, type PrivateKeySet } from './pki';
export type { LogEntry, LogDirection } from './store';
export type {
	Article,
	TicketSummary,
	TicketRow,
	TicketDetail,
	AttachmentInfo,
	SecurityOptions,
	SecurityOptionsInput,
	Draft,
	DraftAttachment,
	ComposeResult,
	Group,
	GroupInput,
	MailboxCredentials,
	MailAccountInfo,
	SyncResult,
	SyncProgress,
	Delivery
} from './desk';
export { MailboxError, JmapMethodError, type MailboxErrorCode, type Mailbox } from './mailbox';
export { DraftError } from './smime';
