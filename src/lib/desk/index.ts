/**
 * The desk: openDesk() and the operations other layers call with a DeskContext.
 */
export { openDesk, Desk, type OpenDeskOptions, type DeskSettings, type ImportFileInput } from './desk';
export { announce, type DeskContext } from './context';
export {
	importFile,
	listCertificates,
	getCertificate,
	findCertificatesByEmail,
	allCertificateDers,
	certificateDer,
	certificatePem,
	privateKeySetFor,
	recordCapabilities,
	capabilitiesOf,
	deleteCertificate,
	deletePrivateKey,
	isEnabled,
	setEnabled,
	NOT_SMIME_CERTIFICATE,
	NO_MATCHING_CERTIFICATE,
	ENABLE_FIRST,
	certificateDetails,
	LEARNED_CA,
	LEARNED_UNTRUSTED,
	TRUSTED_AS_ITSELF,
	type ImportSummary,
	type CertificateDetails,
	type ChainVerdict
} from './certificates';
export {
	legacyKeyOpenerFor,
	vaultStatus,
	setVaultPassphrase,
	unlockVault,
	lockVault,
	setStrictKeyCustody,
	vaultAutoLockMinutes,
	setVaultAutoLock,
	VAULT_ITERATIONS,
	DEFAULT_AUTO_LOCK_MINUTES,
	AUTO_LOCK_RANGE,
	type VaultStatus,
	type VaultSetting
} from './vault';
export { appendLog, listLogs, type NewLogEntry } from './log';
export {
	securityOptions,
	compose,
	type SecurityOptionsInput,
	type SecurityOption,
	type SecurityOptions,
	type Draft,
	type DraftAttachment,
	type ComposeResult
} from './compose';
export { listGroups, getGroup, groupForEmail, saveGroup, deleteGroup, type Group, type GroupInput } from './groups';
export { contentEncryption, setContentEncryption, signatureScheme, setSignatureScheme } from './compose-settings';
export { receive, retry } from './receive';
export {
	listTickets,
	queryTickets,
	setTicketState,
	TICKET_STATES,
	type TicketState,
	type TicketQuery,
	type TicketPage,
	getTicket,
	getArticle,
	getAttachment,
	getSectionAttachment,
	articleRaw,
	type Article,
	type TicketSummary,
	type TicketDetail,
	type AttachmentInfo
} from './tickets';
export { protectionOf, isUnchecked, type TicketRow, type TicketProtection } from './ticket-overview';
export { exportCertificates, exportLogs, importLogs, KEYS_NOT_EXPORTABLE, type LogFormat, type LogImportSummary } from './backup';
export { trustSignerCertificate, NO_UNTRUSTED_SIGNER, CERTIFICATE_CHANGED, NOT_TRUSTABLE } from './signer-trust';
export { sectionsOf, toSections, withoutRanges, type StoredSection, type ArticleSection } from './sections';
export { testMailbox, connectMailbox, listMailAccounts, disconnectMailbox, DEFAULT_SESSION_URL, MAILBOX_VAULT_LOCKED, RESEALED, NO_ACCOUNT, type MailboxCredentials, type MailAccountInfo } from './mailbox-accounts';
export { syncMailbox, stopMailboxSync, mailboxProgress, type SyncResult, type SyncProgress } from './mailbox-sync';
export { sendArticle, sendQueued, deliveries, deliveryOf, retryDelivery, NO_SEND_ACCOUNT, NOT_IN_OUTBOX, type Delivery } from './mailbox-outbox';
