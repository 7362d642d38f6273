/**
 * The S/MIME integration page's state: settings, certificates, key custody, groups and
 * logs, loaded from the desk worker and reloaded whenever any tab changes the store.
 */
import { desk, deskChanges } from '$lib/ui/desk-client';
import type { CertificateInfo } from '$lib/pki/describe';
import type { DeskSettings } from '$lib/desk/desk';
import type { VaultStatus } from '$lib/desk/vault';
import type { LogEntry } from '$lib/store/schema';
import type { StoreChange } from '$lib/store/changes';
import type { Group } from '$lib/desk/groups';

/** A group's default behaviour for outgoing mail. */
export type GroupDefaults = Group;

/** A group to save; without an id it is a new group. */
export type GroupDraft = Omit<Group, 'id'> & { id?: string };

/** How persistent the browser keeps our storage, and how much it holds. */
export interface StorageState {
	/** null where the browser has no StorageManager. */
	persisted: boolean | null;
	usage: number | null;
	quota: number | null;
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The admin page's live view of the desk. */
export class SmimeAdmin {
	/** null until the first load. */
	settings = $state.raw<DeskSettings | null>(null);
	certificates = $state.raw<CertificateInfo[]>([]);
	vault = $state.raw<VaultStatus | null>(null);
	logs = $state.raw<LogEntry[]>([]);
	groups = $state.raw<GroupDefaults[]>([]);
	/** Why the groups could not be loaded (the desk's error sentence), or null. */
	groupsError = $state<string | null>(null);
	storage = $state.raw<StorageState>({ persisted: null, usage: null, quota: null });
	/** The last load failure, shown on the page, or null. */
	loadError = $state<string | null>(null);
	/** The clock the badges use; replaced (never mutated) whenever the list reloads. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	now = $state.raw(new Date());

	enabled = $derived(this.settings?.enabled === true);

	/** Loads everything and follows changes from every tab. Returns the cleanup. */
	start(): () => void {
		void this.reloadAll();
		return deskChanges((change) => {
			void this.reload(change.store);
		});
	}

	/** Reloads every part. */
	async reloadAll(): Promise<void> {
		await Promise.all([this.loadSettings(), this.loadCertificates(), this.loadVault(), this.loadLogs(), this.loadGroups(), this.loadStorage()]);
	}

	/** Reloads what depends on a changed store. */
	async reload(store: StoreChange['store']): Promise<void> {
		switch (store) {
			case 'certificates':
				await this.loadCertificates();
				break;
			case 'keys':
				await Promise.all([this.loadCertificates(), this.loadVault(), this.loadStorage()]);
				break;
			case 'settings':
				await Promise.all([this.loadSettings(), this.loadVault()]);
				break;
			case 'logs':
				await this.loadLogs();
				break;
			case 'groups':
				await this.loadGroups();
				break;
			default:
				break;
		}
	}

	async #guard(load: () => Promise<void>): Promise<void> {
		try {
			await load();
		} catch (error) {
			this.loadError = message(error);
		}
	}

	/** Counts settings reads, so that an answer overtaken by a later read is dropped. */
	#settingsReads = 0;

	loadSettings(): Promise<void> {
		const read = ++this.#settingsReads;
		return this.#guard(async () => {
			const settings = await desk.settings();
			// A read started before a change (the page's first load, while the switch is pressed) can
			// answer after the read that follows the change: the older answer must not undo the switch.
			if (read === this.#settingsReads) this.settings = settings;
		});
	}

	loadCertificates(): Promise<void> {
		return this.#guard(async () => {
			this.certificates = await desk.listCertificates();
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced, never mutated
			this.now = new Date();
		});
	}

	loadVault(): Promise<void> {
		return this.#guard(async () => {
			this.vault = await desk.vaultStatus();
		});
	}

	loadLogs(): Promise<void> {
		return this.#guard(async () => {
			this.logs = await desk.logs();
		});
	}

	async loadGroups(): Promise<void> {
		try {
			this.groups = await desk.listGroups();
			this.groupsError = null;
		} catch (error) {
			this.groupsError = message(error);
		}
	}

	/** Reads persistence and usage from the StorageManager, where there is one. */
	async loadStorage(): Promise<void> {
		const manager = typeof navigator === 'undefined' ? undefined : (navigator.storage as StorageManager | undefined);
		if (!manager) return;
		const [persisted, estimate] = await Promise.all([manager.persisted().catch(() => null), manager.estimate().catch(() => null)]);
		this.storage = { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
	}

	/**
	 * Asks the browser to keep our storage (called after a private key was imported, so keys
	 * are not evicted under storage pressure). Never throws.
	 */
	async requestPersistence(): Promise<void> {
		const manager = typeof navigator === 'undefined' ? undefined : (navigator.storage as StorageManager | undefined);
		if (!manager) return;
		try {
			if (!(await manager.persisted())) await manager.persist();
		} catch {
			// The browser may refuse; the page then says storage is not persistent.
		}
		await this.loadStorage();
	}

	/** Turns S/MIME on or off. @throws DeskError when the desk refuses */
	async setEnabled(on: boolean): Promise<void> {
		await desk.setEnabled(on);
		await this.loadSettings();
	}

	/** @throws DeskError when the desk refuses */
	async setStrictKeyCustody(on: boolean): Promise<void> {
		await desk.setStrictKeyCustody(on);
		await Promise.all([this.loadSettings(), this.loadVault()]);
	}

	/** Turns "Accept SHA-1 signatures" on or off. @throws DeskError when the desk refuses */
	async setAcceptSha1Signatures(on: boolean): Promise<void> {
		await desk.setAcceptSha1Signatures(on);
		await this.loadSettings();
	}

	/** Saves a group. @throws DeskError when the desk refuses */
	async saveGroup(group: GroupDraft): Promise<void> {
		await desk.saveGroup(group);
		await this.loadGroups();
	}

	/** Deletes a group. @throws DeskError when the desk refuses */
	async deleteGroup(id: string): Promise<void> {
		await desk.deleteGroup(id);
		await this.loadGroups();
	}
}
