// A DevTools Protocol session on the page's desk worker: to profile it, and to read the User
// Timing measures it records (how long storing the last article took).

/**
 * Attaches to the desk worker of `page`.
 * @returns {Promise<{ send(method: string, params?: object): Promise<any>, measure(name: string): Promise<number | null> }>}
 */
export async function attachDeskWorker(page) {
	const cdp = await page.context().newCDPSession(page);
	let workerSession = null;
	let nextId = 1;
	const waiting = new Map();
	cdp.on('Target.attachedToTarget', (event) => {
		if (event.targetInfo.type === 'worker') workerSession = event.sessionId;
	});
	cdp.on('Target.receivedMessageFromTarget', (event) => {
		const message = JSON.parse(event.message);
		waiting.get(message.id)?.(message.result);
		waiting.delete(message.id);
	});
	await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
	if (!workerSession) throw new Error('the desk worker was not found');
	const send = (method, params = {}) =>
		new Promise((resolve) => {
			const id = nextId++;
			waiting.set(id, resolve);
			void cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method, params }) });
		});
	return {
		send,
		/** Duration of the latest User Timing measure `name` in the worker, then clears it; null when none. */
		async measure(name) {
			const expression = `(() => { const e = performance.getEntriesByName(${JSON.stringify(name)}, 'measure').pop(); performance.clearMeasures(${JSON.stringify(name)}); return e ? e.duration : null; })()`;
			const answer = await send('Runtime.evaluate', { expression, returnByValue: true });
			return answer?.result?.value ?? null;
		}
	};
}
