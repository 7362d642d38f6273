/** Test mails dated now: a valid signature's signingTime is then within an hour of the Date header. */
let counter = 0;

/** Prepends From, To, Subject, Message-ID and a Date of `date` (now by default) to an entity. */
export function dated(entity: Uint8Array | string, o: { from?: string; to?: string; subject?: string; date?: Date } = {}): Uint8Array {
	const id = `<now${String(counter++)}.${String(Date.now())}@sealdesk.test>`;
	const head =
		`From: ${o.from ?? 'Alice <alice@sealdesk.test>'}\r\nTo: ${o.to ?? 'bob@sealdesk.test'}\r\n` +
		`Subject: ${o.subject ?? 'Test'}\r\nMessage-ID: ${id}\r\nDate: ${(o.date ?? new Date()).toUTCString()}\r\n`;
	const body = typeof entity === 'string' ? new TextEncoder().encode(entity) : entity;
	const out = new Uint8Array(head.length + body.length);
	out.set(new TextEncoder().encode(head));
	out.set(body, head.length);
	return out;
}

/** A clock an hour ahead of now: certificates made by the test a moment ago are already valid. */
export const soon = (): Date => new Date(Date.now() + 60 * 60 * 1000);
