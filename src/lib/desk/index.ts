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
	type ImportSummary
} from './certificates';
export { legacyKeyOpenerFor, vaultStatus, setVaultPassphrase, unlockVault, lockVault, setStrictKeyCustody, VAULT_ITERATIONS, type VaultStatus, type VaultSetting } from './vault';
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
	articleRaw,
	type Article,
	type TicketSummary,
	type TicketDetail,
	type AttachmentInfo
} from './tickets';
export { protectionOf, isUnchecked, type TicketRow, type TicketProtection } from './ticket-overview';
export { exportCertificates, exportLogs, importLogs, KEYS_NOT_EXPORTABLE, type LogFormat, type LogImportSummary } from './backup';
