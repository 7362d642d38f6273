/**
 * desk.listTickets(): the list rows (group, encrypted, signed) computed by the desk in one call
 * from the overview kept on each ticket record, equal to what the list used to compute from
 * every ticket's articles (getTicket per ticket), for every kind of mail, after group changes
 * and retries, and for tickets written before the overview existed.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import type { Desk } from '../../src/lib/desk/desk';
import type { Group } from '../../src/lib/desk/groups';
import type { Article, ArticleRecord, TicketRecord } from '../../src/lib/desk/tickets';
import { articleOverview, ticketRow, type TicketRow } from '../../src/lib/desk/ticket-overview';
import type { Address } from '../../src/lib/mime/display';
import type { LayerSummary } from '../../src/lib/smime/incoming-types';
import { cms, content, encryptTo, loadPki, signAs, withHeaders } from '../smime/mail';
import { deskWith } from '../interop/outgoing-helpers';
import { freshDesk } from './receive-helpers';

const A = 'alice@sealdesk.test';
const B = 'bob@sealdesk.test';

/** The list's computation before the desk did it, copied as it was: the reference. */
const reference = {
	isUnchecked: (a: Pick<Article, 'direction' | 'processedAt'>): boolean => a.direction === 'in' && a.processedAt === undefined,
	groupOfArticles(groups: readonly Group[], articles: readonly Pick<Article, 'direction' | 'from' | 'to' | 'cc'>[]): Group | null {
		for (const a of articles) {
			const addresses = a.direction === 'out' ? (a.from ? [a.from] : []) : [...a.to, ...a.cc];
			const group = groups.find((g) => addresses.some((x) => x.address === g.email));
			if (group) return group;
		}
		return null;
	},
	protectionOf(articles: readonly Pick<Article, 'security' | 'attachments' | 'direction' | 'processedAt'>[]): { encrypted: boolean; signed: boolean } {
		let encrypted = false;
		let signed = false;
		for (const a of articles) {
			for (const layer of a.security.layers) {
				if (layer.kind === 'encrypted') encrypted = true;
				else signed = true;
			}
			if (reference.isUnchecked(a)) {
				for (const att of a.attachments) {
					if (!/^application\/(x-)?pkcs7-(mime|signature)$/i.test(att.type) && !/\.p7[ms]$/i.test(att.name)) continue;
					if (/signature|\.p7s$/i.test(att.type + att.name)) signed = true;
					else encrypted = true;
				}
			}
		}
		return { encrypted, signed };
	},
	/** Issue 19: the most alarming sign and encryption status of the checked articles, and unchecked S/MIME mail. */
	verdictOf(articles: readonly Pick<Article, 'security' | 'attachments' | 'direction' | 'processedAt'>[]): TicketRow['verdict'] {
		const signRank = ['none', 'valid', 'sender-mismatch', 'expired', 'untrusted', 'invalid'];
		const encRank = ['none', 'decrypted', 'no-key', 'failed'];
		let sign: TicketRow['verdict']['sign'] = 'none';
		let encryption: TicketRow['verdict']['encryption'] = 'none';
		let unchecked = false;
		for (const a of articles) {
			if (reference.isUnchecked(a)) {
				const p = reference.protectionOf([a]);
				unchecked ||= p.encrypted || p.signed;
				continue;
			}
			if (signRank.indexOf(a.security.sign.status) > signRank.indexOf(sign)) sign = a.security.sign.status;
			if (encRank.indexOf(a.security.encryption.status) > encRank.indexOf(encryption)) encryption = a.security.encryption.status;
		}
		return { sign, encryption, unchecked };
	}
};

/** The rows as the list used to build them: listTickets, then getTicket for every ticket. */
async function oldRows(desk: Desk): Promise<TicketRow[]> {
	const [summaries, groups] = await Promise.all([desk.listTickets(), desk.listGroups()]);
	const details = await Promise.all(summaries.map((s) => desk.getTicket(s.id)));
	return summaries.map(({ id, state, subject, customer, createdAt, updatedAt, articleCount }, i) => {
		const articles = details[i]?.articles ?? [];
		return { id, state, subject, customer, createdAt, updatedAt, articleCount, group: reference.groupOfArticles(groups, articles)?.name ?? null, ...reference.protectionOf(articles), verdict: reference.verdictOf(articles) };
	});
}

/** The list rows, checked against the old computation. */
async function rows(desk: Desk): Promise<TicketRow[]> {
	const list = await desk.listTickets();
	expect(list).toEqual(await oldRows(desk));
	return list;
}

/** What a row says, by subject. */
async function bySubject(desk: Desk): Promise<Record<string, Pick<TicketRow, 'group' | 'encrypted' | 'signed' | 'articleCount'>>> {
	return Object.fromEntries((await rows(desk)).map((r) => [r.subject, { group: r.group, encrypted: r.encrypted, signed: r.signed, articleCount: r.articleCount }]));
}

async function ticketRecords(desk: Desk): Promise<TicketRecord[]> {
	return desk.context.db.getAll('tickets');
}

/** Rewrites every ticket record as code before the overview wrote it: without the field. */
async function dropOverviews(desk: Desk): Promise<void> {
	for (const t of await ticketRecords(desk)) {
		const legacy: TicketRecord = { ...t };
		delete legacy.overview;
		await desk.context.db.put('tickets', legacy);
	}
	for (const t of await ticketRecords(desk)) expect(t.overview).toBeUndefined();
}

/** Counts the transactions' requests for the articles store. */
function spyArticleStore(): { count: () => number } {
	const spy = vi.spyOn(IDBTransaction.prototype, 'objectStore');
	return { count: () => spy.mock.calls.filter(([name]) => name === 'articles').length };
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('incoming mail', () => {
	test('encrypted, signed, signed+encrypted and plain mail: the flags and the group of the address it came to', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		await desk.saveGroup({ name: 'Support', email: B });
		await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('enc')), { subject: 'enc' }));
		await desk.receive(withHeaders(cms(signAs('alice'), content('sig')), { subject: 'sig' }));
		const signed = cms([...signAs('alice'), '-nodetach'], content('both'));
		await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], signed), { subject: 'both' }));
		await desk.receive(withHeaders(content('plain'), { subject: 'plain', to: 'carol@sealdesk.test', extra: `Cc: Bob <${B}>\r\n` }));
		await desk.receive(withHeaders(content('other'), { subject: 'other', to: 'carol@sealdesk.test' }));
		expect(await bySubject(desk)).toEqual({
			enc: { group: 'Support', encrypted: true, signed: false, articleCount: 1 },
			sig: { group: 'Support', encrypted: false, signed: true, articleCount: 1 },
			both: { group: 'Support', encrypted: true, signed: true, articleCount: 1 },
			plain: { group: 'Support', encrypted: false, signed: false, articleCount: 1 },
			other: { group: null, encrypted: false, signed: false, articleCount: 1 }
		});
	});

	test('mail that came while S/MIME was off: flagged from its .p7m/.p7s parts, then from what retry found', async () => {
		const { desk } = await freshDesk({ enabled: false, now: new Date() });
		const enc = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('enc')), { subject: 'enc' }));
		const sig = await desk.receive(withHeaders(cms(signAs('alice'), content('sig')), { subject: 'sig' }));
		await desk.receive(withHeaders(content('plain'), { subject: 'plain' }));
		expect(enc.processedAt).toBeUndefined();
		expect(enc.attachments.map((a) => a.name)).toEqual(['smime.p7m']);
		expect(sig.attachments.map((a) => a.name)).toEqual(['smime.p7s']);
		expect(await bySubject(desk)).toEqual({
			enc: { group: null, encrypted: true, signed: false, articleCount: 1 },
			sig: { group: null, encrypted: false, signed: true, articleCount: 1 },
			plain: { group: null, encrypted: false, signed: false, articleCount: 1 }
		});
		await desk.setEnabled(true);
		await loadPki(desk, ['bob']);
		await desk.retry(enc.id);
		await desk.retry(sig.id);
		expect((await bySubject(desk)).enc).toEqual({ group: null, encrypted: true, signed: false, articleCount: 1 });
		expect((await bySubject(desk)).sig).toEqual({ group: null, encrypted: false, signed: true, articleCount: 1 });
	});

	test('a retry that decrypts a signed+encrypted mail reveals the signature: the flags follow', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, [], ['root-ca', 'bob']);
		const signed = cms([...signAs('alice'), '-nodetach'], content('both'));
		const a = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], signed), { subject: 'both' }));
		expect(a.security.encryption.status).toBe('no-key');
		expect((await bySubject(desk)).both).toEqual({ group: null, encrypted: true, signed: false, articleCount: 1 });
		await loadPki(desk, ['bob'], []);
		const b = await desk.retry(a.id);
		expect(b.security.encryption.status).toBe('decrypted');
		expect(b.security.sign.status).toBe('valid');
		expect((await bySubject(desk)).both).toEqual({ group: null, encrypted: true, signed: true, articleCount: 1 });
	});
});

describe('outgoing mail and threads', () => {
	test('an outgoing article matches the group of its From; a ticket of several articles takes the first match and any flag', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		await desk.saveGroup({ name: 'Sales', email: A });
		const first = await desk.compose({ from: A, to: [B], subject: 'Case', text: 'first', sign: false, encrypt: false });
		expect((await bySubject(desk)).Case).toEqual({ group: 'Sales', encrypted: false, signed: false, articleCount: 1 });
		await desk.compose({ from: A, to: [B], subject: 'Re: Case', text: 'second', ticketId: first.ticketId, sign: true, encrypt: false });
		await desk.compose({ from: A, to: [B], subject: 'Re: Case', text: 'third', ticketId: first.ticketId, sign: false, encrypt: true });
		expect((await bySubject(desk)).Case).toEqual({ group: 'Sales', encrypted: true, signed: true, articleCount: 3 });
		// An incoming mail to bob opens its own ticket, without a group until one has bob's address.
		await desk.receive(withHeaders(content('hello'), { subject: 'Hello', from: B, to: A }));
		expect((await bySubject(desk)).Hello).toEqual({ group: 'Sales', encrypted: false, signed: false, articleCount: 1 });
		await desk.receive(withHeaders(content('to bob'), { subject: 'To bob' }));
		expect((await bySubject(desk))['To bob']?.group).toBeNull();
	});

	test('the group is the first article’s match, not the first group’s: a later article’s group loses to an earlier one', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await desk.saveGroup({ name: 'A first by name', email: 'late@sealdesk.test' });
		await desk.saveGroup({ name: 'Z last by name', email: 'early@sealdesk.test' });
		const first = withHeaders(content('1'), { subject: 'Thread', to: 'early@sealdesk.test' });
		const id = /Message-ID: (<[^>]+>)/.exec(new TextDecoder().decode(first))?.[1] ?? '';
		await desk.receive(first);
		await desk.receive(withHeaders(content('2'), { subject: 'Re: Thread', to: 'late@sealdesk.test', extra: `In-Reply-To: ${id}\r\n` }));
		expect((await bySubject(desk)).Thread).toEqual({ group: 'Z last by name', encrypted: false, signed: false, articleCount: 2 });
	});

	test('a group whose email changes after the mail came: the list follows the group as it is now', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const group = await desk.saveGroup({ name: 'Support', email: B });
		await desk.receive(withHeaders(content('1'), { subject: 'One' }));
		expect((await bySubject(desk)).One?.group).toBe('Support');
		await desk.saveGroup({ id: group.id, name: 'Support', email: 'help@sealdesk.test' });
		expect((await bySubject(desk)).One?.group).toBeNull();
		await desk.saveGroup({ name: 'Bob', email: B });
		expect((await bySubject(desk)).One?.group).toBe('Bob');
		await desk.deleteGroup((await desk.listGroups()).find((g) => g.name === 'Bob')?.id ?? '');
		expect((await bySubject(desk)).One?.group).toBeNull();
	});
});

describe('the overview on the ticket record', () => {
	test('listTickets reads no article when every ticket has its overview', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		await desk.saveGroup({ name: 'Support', email: B });
		for (let i = 0; i < 5; i++) await desk.receive(withHeaders(cms(signAs('alice'), content(String(i))), { subject: `T${String(i)}` }));
		const expected = await oldRows(desk);
		// Poison the articles: were the list to read them, it would find no S/MIME and no group.
		for (const a of await desk.context.db.getAll('articles')) {
			await desk.context.db.put('articles', { ...a, headers: { ...a.headers, to: [], cc: [] }, security: { ...a.security, layers: [] } });
		}
		const articleReads = spyArticleStore();
		expect(await desk.listTickets()).toEqual(expected);
		expect(articleReads.count()).toBe(0);
		expect(expected.every((r) => r.group === 'Support' && r.signed)).toBe(true);
	});

	test('tickets written before the overview list as they did, read from their articles', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		await desk.saveGroup({ name: 'Support', email: B });
		await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('enc')), { subject: 'enc', to: 'carol@sealdesk.test', extra: `Cc: ${B}\r\n` }));
		await desk.receive(withHeaders(cms(signAs('alice'), content('sig')), { subject: 'sig', to: 'carol@sealdesk.test' }));
		const before = await rows(desk);
		await dropOverviews(desk);
		const articleReads = spyArticleStore();
		expect(await rows(desk)).toEqual(before);
		expect(articleReads.count()).toBeGreaterThan(0);
		expect(before.map((r) => [r.subject, r.group, r.encrypted, r.signed])).toEqual([
			['sig', null, false, true],
			['enc', 'Support', true, false]
		]);
	});

	test('a legacy ticket gets a whole overview on its next article or retry', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, [], ['root-ca', 'bob']);
		await desk.saveGroup({ name: 'Support', email: B });
		const first = withHeaders(content('1'), { subject: 'Legacy' });
		const messageId = /Message-ID: (<[^>]+>)/.exec(new TextDecoder().decode(first))?.[1] ?? '';
		await desk.receive(first);
		const enc = await desk.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], cms([...signAs('alice'), '-nodetach'], content('2'))), { subject: 'Other' }));
		await dropOverviews(desk);
		await desk.receive(withHeaders(cms(signAs('alice'), content('3')), { subject: 'Re: Legacy', to: 'carol@sealdesk.test', extra: `In-Reply-To: ${messageId}\r\n` }));
		await loadPki(desk, ['bob'], []);
		await desk.retry(enc.id);
		for (const t of await ticketRecords(desk)) expect(t.overview?.articles).toHaveLength(t.articleCount);
		const articleReads = spyArticleStore();
		const list = await desk.listTickets();
		expect(articleReads.count()).toBe(0);
		expect(list).toEqual(await oldRows(desk));
		expect(await bySubject(desk)).toEqual({
			Legacy: { group: 'Support', encrypted: false, signed: true, articleCount: 2 },
			Other: { group: 'Support', encrypted: true, signed: true, articleCount: 1 }
		});
	});

	test('an overview that does not count every article (left by older code) is not trusted', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		await desk.receive(withHeaders(content('1'), { subject: 'Stale' }));
		const [ticket] = await ticketRecords(desk);
		if (!ticket?.id) throw new Error('no ticket');
		// What code without overviews would do on a reply: one more article, the overview untouched.
		await desk.context.db.add('articles', {
			ticketId: ticket.id,
			direction: 'in',
			raw: new Uint8Array(),
			receivedAt: ticket.updatedAt,
			processedAt: ticket.updatedAt,
			headers: { to: [{ name: '', address: B }], cc: [], subject: 'Re: Stale', references: [] },
			security: { sign: { status: 'valid', comment: '' }, encryption: { status: 'none', comment: '' }, layers: [{ kind: 'signed', form: 'detached', status: 'valid', covers: 'content' }] },
			text: '',
			attachments: []
		} satisfies Omit<ArticleRecord, 'id'>);
		await desk.context.db.put('tickets', { ...ticket, articleCount: 2 });
		await desk.saveGroup({ name: 'Support', email: B });
		expect((await bySubject(desk)).Stale).toEqual({ group: 'Support', encrypted: false, signed: true, articleCount: 2 });
	});
});

describe('the overview rules', () => {
	const address = fc.constantFrom('a@x.test', 'b@x.test', 'c@x.test', 'A@x.test').map((a): Address => ({ name: '', address: a }));
	const layer = fc.constantFrom<LayerSummary>({ kind: 'encrypted', status: 'decrypted' }, { kind: 'signed', form: 'opaque', status: 'valid', covers: 'content' });
	const attachment = fc.record({ name: fc.constantFrom('smime.p7m', 'smime.p7s', 'x.P7S', 'report.pdf', 'a.p7x'), type: fc.constantFrom('application/pkcs7-mime', 'application/x-pkcs7-signature', 'application/pdf', 'text/plain') });
	const article = fc.record(
		{
			direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
			processedAt: fc.constant('2026-01-01T00:00:00.000Z'),
			from: address,
			to: fc.array(address, { maxLength: 3 }),
			cc: fc.array(address, { maxLength: 2 }),
			layers: fc.array(layer, { maxLength: 2 }),
			sign: fc.constantFrom('none', 'valid', 'untrusted', 'invalid', 'expired', 'sender-mismatch'),
			encryption: fc.constantFrom('none', 'decrypted', 'no-key', 'failed'),
			attachments: fc.array(attachment, { maxLength: 3 })
		},
		{ requiredKeys: ['direction', 'to', 'cc', 'layers', 'sign', 'encryption', 'attachments'] }
	);
	const group = fc.record({ id: fc.string(), name: fc.string(), email: fc.constantFrom('a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'), sign: fc.boolean(), encrypt: fc.boolean() });

	test('a row from the per-article overview equals the old computation over the articles', () => {
		fc.assert(
			fc.property(fc.array(article, { maxLength: 5 }), fc.array(group, { maxLength: 4 }), (generated, groups) => {
				const records = generated.map((g, i) => ({
					id: i + 1,
					ticketId: 1,
					direction: g.direction,
					raw: new Uint8Array(),
					receivedAt: '',
					...(g.processedAt !== undefined ? { processedAt: g.processedAt } : {}),
					headers: { ...(g.from ? { from: g.from } : {}), to: g.to, cc: g.cc, subject: '', references: [] },
					security: { sign: { status: g.sign, comment: '' }, encryption: { status: g.encryption, comment: '' }, layers: g.layers },
					text: '',
					attachments: g.attachments.map((a) => ({ ...a, data: new Uint8Array() }))
				}));
				const articles = records.map((r) => ({ ...r, ...r.headers, attachments: r.attachments.map((a, index) => ({ index, name: a.name, type: a.type, size: 0 })) }));
				const summary = { id: 1, state: 'open' as const, subject: '', customer: '', createdAt: '', updatedAt: '', articleCount: records.length };
				const row = ticketRow(summary, records.map(articleOverview), groups);
				expect(row).toEqual({ ...summary, group: reference.groupOfArticles(groups, articles)?.name ?? null, ...reference.protectionOf(articles), verdict: reference.verdictOf(articles) });
			})
		);
	});
});
