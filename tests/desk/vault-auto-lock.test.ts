/**
 * The vault's idle auto-lock (issue 16): an unlocked vault passphrase locks itself after a set
 * time without use (15 minutes by default, 0 for never), by the desk's clock and by a timer, so
 * the derived key does not stay in memory for a forgotten tab. Clock and timers are injected.
 */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { AUTO_LOCK_RANGE, legacyKeyOpenerFor } from '../../src/lib/desk';
import type { DeskTimers } from '../../src/lib/desk/context';
import { fixture } from './import-helpers';

const MINUTE = 60_000;

/** Timers run by hand: `fire()` runs those due by the fake clock. */
class ManualTimers implements DeskTimers {
	pending = new Map<number, { at: number; callback: () => void }>();
	#next = 1;
	constructor(private readonly clock: { t: number }) {}
	set(callback: () => void, ms: number): unknown {
		const id = this.#next++;
		this.pending.set(id, { at: this.clock.t + ms, callback });
		return id;
	}
	clear(handle: unknown): void {
		this.pending.delete(handle as number);
	}
	fire(): number {
		let n = 0;
		for (const [id, timer] of [...this.pending]) {
			if (timer.at > this.clock.t) continue;
			this.pending.delete(id);
			timer.callback();
			n++;
		}
		return n;
	}
}

async function unlockedDesk(): Promise<{ desk: Desk; clock: { t: number }; timers: ManualTimers; fp: string; factory: IDBFactory }> {
	const clock = { t: Date.parse('2026-12-01T09:00:00Z') };
	const timers = new ManualTimers(clock);
	const factory = new IDBFactory();
	const desk = await openDesk({ indexedDB: factory, name: 'autolock', now: () => new Date(clock.t), timers });
	await desk.setEnabled(true);
	const r = await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: 'sealdesk' });
	await desk.setVaultPassphrase(null, 'correct horse');
	return { desk, clock, timers, fp: r.privateKeys[0]?.fingerprint ?? '', factory };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('vault idle auto-lock', () => {
	test('15 minutes by default; each use restarts the count; idle past it, the vault is locked', async () => {
		const { desk, clock, fp } = await unlockedDesk();
		expect(await desk.vaultAutoLock()).toBe(15);
		expect((await desk.vaultStatus()).autoLockMinutes).toBe(15);
		clock.t += 14 * MINUTE;
		expect((await desk.vaultStatus()).locked).toBe(false);
		// A legacy decryption uses the vault: the count starts again.
		expect(await legacyKeyOpenerFor(desk.context, fp)()).not.toBeNull();
		clock.t += 14 * MINUTE;
		expect((await desk.vaultStatus()).locked).toBe(false);
		clock.t += MINUTE + 1;
		// Idle for 15 minutes: locked, and the sealed key no longer opens.
		expect(await legacyKeyOpenerFor(desk.context, fp)()).toBeNull();
		expect((await desk.vaultStatus()).locked).toBe(true);
		await desk.unlockVault('correct horse');
		expect((await desk.vaultStatus()).locked).toBe(false);
	}, 30_000);

	test('the timer drops the key from memory at the due time without any call', async () => {
		const { desk, clock, timers } = await unlockedDesk();
		expect(desk.context.vault.unlocked).not.toBeNull();
		expect([...timers.pending.values()].map((t) => t.at - clock.t)).toEqual([15 * MINUTE]);
		clock.t += 10 * MINUTE;
		expect(timers.fire()).toBe(0);
		clock.t += 5 * MINUTE;
		expect(timers.fire()).toBe(1);
		await settle();
		expect(desk.context.vault.unlocked).toBeNull();
		expect(timers.pending.size).toBe(0);
	}, 30_000);

	test('a timer that fires before the vault is idle (it was used meanwhile) waits for the rest', async () => {
		const { desk, clock, timers, fp } = await unlockedDesk();
		clock.t += 10 * MINUTE;
		await legacyKeyOpenerFor(desk.context, fp)();
		// The use re-armed the timer for 15 minutes from now.
		expect([...timers.pending.values()].map((t) => t.at - clock.t)).toEqual([15 * MINUTE]);
		clock.t += 15 * MINUTE - 1;
		expect(timers.fire()).toBe(0);
		expect(desk.context.vault.unlocked).not.toBeNull();
	}, 30_000);

	test('0 never locks; the setting is stored for every tab; out-of-range values are refused', async () => {
		const { desk, clock, timers, factory } = await unlockedDesk();
		await desk.setVaultAutoLock(0);
		expect(timers.pending.size).toBe(0);
		clock.t += 24 * 60 * MINUTE;
		expect((await desk.vaultStatus()).locked).toBe(false);
		const other = await openDesk({ indexedDB: factory, name: 'autolock' });
		expect(await other.vaultAutoLock()).toBe(0);
		await other.close();
		await desk.setVaultAutoLock(5);
		// Idle for a day already: due at once.
		expect([...timers.pending.values()].map((t) => t.at - clock.t)).toEqual([0]);
		expect((await desk.vaultStatus()).locked).toBe(true);
		for (const bad of [-1, 1.5, 1441, Number.NaN]) await expect(desk.setVaultAutoLock(bad)).rejects.toThrow(AUTO_LOCK_RANGE);
		expect(AUTO_LOCK_RANGE).toBe('The auto-lock time must be a whole number of minutes from 0 to 1440.');
		expect(await desk.vaultAutoLock()).toBe(5);
	}, 30_000);

	test('locking or closing clears the timer', async () => {
		const { desk, timers } = await unlockedDesk();
		expect(timers.pending.size).toBe(1);
		await desk.lockVault();
		expect(timers.pending.size).toBe(0);
		await desk.unlockVault('correct horse');
		expect(timers.pending.size).toBe(1);
		await desk.close();
		expect(timers.pending.size).toBe(0);
	}, 30_000);
});
