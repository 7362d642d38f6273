/** Setting the app up through its desk handle (window.sealdesk), for browser tests that test what comes after. */
import type { Page } from '@playwright/test';
import { deskPki } from './mails';
import type { DeskWindow } from './remote';


/** Opens the app and waits for its desk handle. */
export async function openApp(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await page.waitForFunction(() => 'sealdesk' in window);
}

/** S/MIME on, the CA chain, alice's certificate, bob's certificate and key; optionally the Support group (bob@sealdesk.test). */
export async function seedPki(page: Page, o: { group?: boolean } = {}): Promise<void> {
	await openApp(page);
	await page.evaluate(
		async ({ p, group }) => {
			const desk = (window as unknown as DeskWindow).sealdesk;
			await desk.setEnabled(true);
			await desk.importFile({ name: 'chain.pem', data: p.chain });
			await desk.importFile({ name: 'alice.pem', data: p.alice });
			await desk.importFile({ name: 'bob.pem', data: p.bobWithKey });
			if (group) await desk.saveGroup({ name: 'Support', email: 'bob@sealdesk.test', sign: true, encrypt: false });
		},
		{ p: deskPki(), group: o.group === true }
	);
}

/** Receives mails through the desk, in order; returns each one's article and ticket id. */
export async function receiveAll(page: Page, raws: string[]): Promise<{ id: number; ticketId: number }[]> {
	return page.evaluate(async (list) => {
		const desk = (window as unknown as DeskWindow).sealdesk;
		const out = [];
		for (const raw of list) {
			const a = await desk.receive(raw);
			out.push({ id: a.id, ticketId: a.ticketId });
		}
		return out;
	}, raws);
}

/** Pictographs, dingbats, arrows-and-symbols blocks and the emoji variation selector (as tests/ui/no-emoji.test.ts). */
export const EMOJI_SOURCE = '[\\p{Extended_Pictographic}\\u{2190}-\\u{21FF}\\u{2300}-\\u{23FF}\\u{2600}-\\u{27BF}\\u{2B00}-\\u{2BFF}]|\\u{FE0F}';

/** Every emoji in the page's text, attributes and CSS generated content. */
export async function emojiOnPage(page: Page): Promise<string[]> {
	return page.evaluate((source) => {
		const re = new RegExp(source, 'u');
		const found: string[] = [];
		const check = (where: string, value: string | null): void => {
			if (value && re.test(value.replace(/[\u00A9\u00AE\u2122]/gu, ''))) found.push(`${where}: ${value}`);
		};
		for (const el of document.querySelectorAll('*')) {
			for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE) check(el.tagName, node.textContent);
			for (const attr of el.attributes) check(`${el.tagName}[${attr.name}]`, attr.value);
			for (const pseudo of ['::before', '::after']) check(`${el.tagName}${pseudo}`, getComputedStyle(el, pseudo).content);
		}
		return found;
	}, EMOJI_SOURCE);
}
