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
