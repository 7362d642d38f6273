// Push through the desk (RFC 8620 §7.3): against the real Cyrus, with the event source either
// Cyrus's own (Debian's build answers it with an error: the fallback) or a fake stream that the
// test writes StateChanges into (the rest of the requests go to Cyrus).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk';
import type { FetchLike } from '../../src/lib/mailbox';
import { PUSH_RETRY_MIN_MS, PUSH_STABLE_MS } from '../../src/lib/desk/mailbox-push';
import type { DeskTimers } from '../../src/lib/desk/context';
import { connectAs, deliver, eventually, mailserver, plainMail } from './helpers';

const server = mailserver();
const credentials = (user: string): { sessionUrl: string; username: string; password: string } => ({ sessionUrl: server.sessionUrl, username: user, password: server.users[user] ?? '' });

/** A fake event source: every eventsource request gets a stream the test writes into. */
function fakeEventSource(): {
	fetch: FetchLike;
	push: (text: string) => void;
	end: () => void;
	opened: () => number;
	cancelled: () => number;
	apiCalls: string[];
	/** The Last-Event-ID header of each eventsource request ('' when none was sent). */
	lastEventIds: string[];
	/** While set, Email/changes requests wait for it. */
	gate: { promise: Promise<void> | null };
} {
	const encoder = new TextEncoder();
	let current: ReadableStreamDefaultController<Uint8Array> | null = null;
	let opened = 0;
	let cancelled = 0;
	const apiCalls: string[] = [];
	const lastEventIds: string[] = [];
	const gate: { promise: Promise<void> | null } = { promise: null };
	const fetchFn: FetchLike = async (url, init) => {
		if (url.includes('/eventsource')) {
			opened++;
			lastEventIds.push(new Headers(init?.headers).get('last-event-id') ?? '');
			const body = new ReadableStream<Uint8Array>({
				start(controller) {
					current = controller;
				},
				cancel() {
					cancelled++;
				}
			});
			return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
		}
		if (typeof init?.body === 'string') {
			const calls = (JSON.parse(init.body) as { methodCalls: [string][] }).methodCalls;
			apiCalls.push(...calls.map((c) => c[0]));
			if (gate.promise && calls.some((c) => c[0] === 'Email/changes')) await gate.promise;
		}
		return fetch(url, init);
	};
	return {
		fetch: fetchFn,
		push: (text) => current?.enqueue(encoder.encode(text)),
		end: () => current?.close(),
		opened: () => opened,
		cancelled: () => cancelled,
		apiCalls,
		lastEventIds,
		gate
	};
}

/** Timers that keep the wanted delays but record them, and can run the long ones at once. */
function recordingTimers(shorten: number | null): DeskTimers & { delays: number[] } {
	const delays: number[] = [];
	return {
		delays,
		set(callback, ms) {
			delays.push(ms);
			const handle = setTimeout(callback, shorten !== null && ms >= PUSH_RETRY_MIN_MS ? shorten : ms);
			return handle;
		},
		clear(handle) {
			clearTimeout(handle as ReturnType<typeof setTimeout>);
		}
	};
}

async function deskWith(name: string, fetchFn: FetchLike, timers: DeskTimers, now?: () => Date): Promise<Desk> {
	const desk = await openDesk({ indexedDB: new IDBFactory(), name, fetch: fetchFn, timers, ...(now ? { now } : {}) });
	await desk.setEnabled(true);
	return desk;
}

async function messageIds(desk: Desk): Promise<string[]> {
	const ids: string[] = [];
	for (const row of await desk.listTickets()) {
		for (const a of (await desk.getTicket(row.id))?.articles ?? []) if (a.messageId) ids.push(a.messageId);
	}
	return ids.sort();
}

function stateChange(accountId: string, state: string): string {
	return `event: state\r\ndata: {"@type":"StateChange","changed":{"${accountId}":{"Email":"${state}"}}}\r\n\r\n`;
}

describe('mailbox push', () => {
	it('syncs a new mail on a StateChange, without a poll; one sync for a burst; stops on lock, disconnect and close', async () => {
		const events = fakeEventSource();
		const desk = await deskWith('push', events.fetch, recordingTimers(20));
		await desk.setVaultPassphrase(null, 'vault pass');
		const account = await desk.connectMailbox(credentials('agent10'));
		await desk.syncMailbox(account.id);
		const jmapAccountId = (await connectAs('agent10')).accountId;

		await desk.watchMailbox();
		await eventually(async () => ((await desk.mailboxPushState())[account.id] === 'open' ? true : undefined), 5000);
		expect(events.opened()).toBe(1);
		// Watching again while open opens nothing more.
		await desk.watchMailbox();
		expect(events.opened()).toBe(1);

		await deliver('agent10', plainMail({ from: 'customer10@sealdesk.test', to: 'agent10@localhost', subject: 'Pushed', messageId: 'push-1@sealdesk.test' }));
		events.apiCalls.length = 0;
		// Comments, pings and another account's changes start no sync.
		events.push(': keep-alive\r\n\r\nevent: ping\r\ndata: {"interval":30}\r\n\r\n' + stateChange('someone-else', 'x'));
		await new Promise((r) => setTimeout(r, 500));
		expect(events.apiCalls).toEqual([]);
		// A burst of changes, cut anywhere: one sync (the debounce), and the mail is there.
		const burst = stateChange(jmapAccountId, 'a') + stateChange(jmapAccountId, 'b') + stateChange(jmapAccountId, 'c');
		events.push(burst.slice(0, 37));
		events.push(burst.slice(37));
		const ids = await eventually(async () => ((await messageIds(desk)).includes('<push-1@sealdesk.test>') ? messageIds(desk) : undefined), 10_000);
		expect(ids).toEqual(['<push-1@sealdesk.test>']);
		await new Promise((r) => setTimeout(r, 500));
		expect(events.apiCalls.filter((m) => m === 'Email/changes')).toHaveLength(1);

		// A change while that sync runs: one more sync after it, not two at once, not none.
		let release = (): void => undefined;
		events.gate.promise = new Promise((r) => (release = r));
		events.apiCalls.length = 0;
		events.push(stateChange(jmapAccountId, 'd'));
		await eventually(() => Promise.resolve(events.apiCalls.includes('Email/changes') ? true : undefined), 5000);
		await deliver('agent10', plainMail({ from: 'customer10@sealdesk.test', to: 'agent10@localhost', subject: 'During', messageId: 'push-2@sealdesk.test' }));
		events.push(stateChange(jmapAccountId, 'e'));
		events.push(stateChange(jmapAccountId, 'f'));
		await new Promise((r) => setTimeout(r, 500));
		expect(events.apiCalls.filter((m) => m === 'Email/changes')).toHaveLength(1);
		events.gate.promise = null;
		release();
		await eventually(async () => ((await messageIds(desk)).includes('<push-2@sealdesk.test>') ? true : undefined), 10_000);
		await new Promise((r) => setTimeout(r, 500));
		expect(events.apiCalls.filter((m) => m === 'Email/changes')).toHaveLength(2);

		// The admin page's account list says so.
		expect((await desk.listMailAccounts()).find((a) => a.id === account.id)?.push).toEqual({ state: 'open', reason: '' });

		// The stream ends: push is down, and opens again after the retry delay, sending the last
		// event id back. A mail that came while no StateChange was told (none is pushed for it
		// here) is synced once the stream is open again.
		events.push(`id: state-7\r\n${stateChange('someone-else', 'g')}`);
		await deliver('agent10', plainMail({ from: 'customer10@sealdesk.test', to: 'agent10@localhost', subject: 'Unannounced', messageId: 'push-3@sealdesk.test' }));
		await new Promise((r) => setTimeout(r, 300));
		expect(await messageIds(desk)).not.toContain('<push-3@sealdesk.test>');
		events.end();
		await eventually(async () => (events.opened() === 2 && (await desk.mailboxPushState())[account.id] === 'open' ? true : undefined), 5000);
		expect(events.lastEventIds).toEqual(['', 'state-7']);
		await eventually(async () => ((await messageIds(desk)).includes('<push-3@sealdesk.test>') ? true : undefined), 10_000);

		// Locking the vault closes the stream; watching again (the page's next poll) after unlocking reopens it.
		await desk.lockVault();
		expect(events.cancelled()).toBe(1);
		expect(await desk.mailboxPushState()).toEqual({});
		// Nothing retries while locked.
		await new Promise((r) => setTimeout(r, 300));
		expect(events.opened()).toBe(2);
		await desk.unlockVault('vault pass');
		await desk.watchMailbox();
		await eventually(async () => ((await desk.mailboxPushState())[account.id] === 'open' ? true : undefined), 5000);
		expect(events.opened()).toBe(3);
		await desk.disconnectMailbox(account.id);
		expect(events.cancelled()).toBe(2);

		// Close too.
		const again = await desk.connectMailbox(credentials('agent10'));
		await desk.watchMailbox();
		await eventually(async () => ((await desk.mailboxPushState())[again.id] === 'open' ? true : undefined), 5000);
		await desk.close();
		expect(events.cancelled()).toBe(3);
	});

	it('a stream that ends as soon as it opens keeps backing off; one that stayed open a minute starts again at 5 s', async () => {
		const events = fakeEventSource();
		const timers = recordingTimers(20);
		let clock = Date.parse('2026-12-01T10:00:00Z');
		const desk = await deskWith('push-flap', events.fetch, timers, () => new Date(clock));
		const account = await desk.connectMailbox(credentials('agent10'));
		await desk.syncMailbox(account.id);
		const retries = (): number[] => timers.delays.filter((ms) => ms >= PUSH_RETRY_MIN_MS);
		await desk.watchMailbox();
		// Each stream ends at once (a proxy's idle timeout): 5 s, 10 s, 20 s, not 5 s each time.
		for (let i = 1; i <= 3; i++) {
			await eventually(async () => (events.opened() === i && (await desk.mailboxPushState())[account.id] === 'open' ? true : undefined), 5000);
			events.end();
			await eventually(() => Promise.resolve(retries().length === i ? true : undefined), 5000);
		}
		expect(retries()).toEqual([5000, 10_000, 20_000]);
		// The fourth stays open a minute before it ends: the delay starts again at 5 s.
		await eventually(async () => (events.opened() === 4 && (await desk.mailboxPushState())[account.id] === 'open' ? true : undefined), 5000);
		clock += PUSH_STABLE_MS;
		events.end();
		await eventually(() => Promise.resolve(retries().length === 4 ? true : undefined), 5000);
		expect(retries()).toEqual([5000, 10_000, 20_000, 5000]);
		await desk.close();
	});

	it('offline, push is down because the mail server cannot be reached, not with the browser\'s own words', async () => {
		const fetchFn: FetchLike = (url, init) => (url.includes('/eventsource') ? Promise.reject(new TypeError('Failed to fetch')) : fetch(url, init));
		const desk = await deskWith('push-offline', fetchFn, recordingTimers(20));
		const account = await desk.connectMailbox(credentials('agent10'));
		await desk.watchMailbox();
		const push = await eventually(async () => {
			const info = (await desk.listMailAccounts()).find((a) => a.id === account.id)?.push;
			return info?.reason ? info : undefined;
		}, 5000);
		expect(push.reason).toBe('the mail server cannot be reached');
		await desk.close();
	});

	it("falls back to polling when Cyrus's event source fails, and retries it later with a growing delay", async () => {
		const answers: string[] = [];
		const fetchFn: FetchLike = async (url, init) => {
			const response = await fetch(url, init);
			if (url.includes('/eventsource')) answers.push(`${String(response.status)} ${response.headers.get('content-type') ?? 'no type'}`);
			return response;
		};
		const timers = recordingTimers(20);
		const desk = await deskWith('push-fallback', fetchFn, timers);
		const account = await desk.connectMailbox(credentials('agent10'));
		await desk.syncMailbox(account.id);
		await desk.watchMailbox();
		// Cyrus 3.6 from Debian: the event source does not stream (204); the desk retries 5 s, 10 s, 20 s, …
		await eventually(() => Promise.resolve(answers.length >= 3 ? true : undefined), 10_000);
		expect((await desk.mailboxPushState())[account.id]).not.toBe('open');
		// Measured: Debian's Cyrus 3.6 answers 204 No Content, no text/event-stream: push is down.
		expect(new Set(answers)).toEqual(new Set(['204 no type']));
		expect((await desk.mailboxPushState())[account.id]).toMatch(/^(down|connecting)$/);
		expect(timers.delays.filter((ms) => ms >= PUSH_RETRY_MIN_MS).slice(0, 3)).toEqual([5000, 10_000, 20_000]);
		// The admin page's account list says why.
		const push = (await desk.listMailAccounts())[0]?.push;
		expect(push?.state).toMatch(/^(down|connecting)$/);
		expect(push?.reason).toBe("the server's event source sends no events: HTTP 204 without content type");
		// The poll still brings the mail.
		await deliver('agent10', plainMail({ from: 'customer10@sealdesk.test', to: 'agent10@localhost', subject: 'Polled', messageId: 'poll-1@sealdesk.test' }));
		const [result] = await desk.syncMailbox(account.id);
		expect(result?.stored).toBe(1);
		expect(await messageIds(desk)).toContain('<poll-1@sealdesk.test>');
		await desk.close();
	});
});
