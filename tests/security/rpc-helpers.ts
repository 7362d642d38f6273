/**
 * The page and the desk worker joined by a real MessageChannel (structured cloning and
 * transfer as postMessage does them), for the RPC tests: the worker's dispatcher (serveDesk)
 * on one port, the page's client (DeskClient) on the other, over a real desk.
 */
import { IDBFactory } from 'fake-indexeddb';
import { openDesk, type Desk, type OpenDeskOptions } from '../../src/lib/desk/desk';
import { serveDesk, type RpcEndpoint, type RpcResponse } from '../../src/lib/desk/rpc';
import { DeskClient, type DeskPort } from '../../src/lib/ui/desk-client';

/** A served desk and the page's client on it. */
export interface Wired {
	desk: Desk;
	client: DeskClient;
	/** Posts any message to the worker's port, as a hostile or broken page could; resolves with the worker's answer to `id`. */
	raw(message: unknown, id: number): Promise<RpcResponse>;
	close(): void;
}

/** Opens a desk on its own fake IndexedDB and serves it over a MessageChannel. */
export async function wiredDesk(options: OpenDeskOptions = {}): Promise<Wired> {
	let served: Desk | null = null;
	const channel = new MessageChannel();
	const workerSide: RpcEndpoint = {
		postMessage: (message, transfer) => {
			channel.port1.postMessage(message, transfer);
		},
		addEventListener: (type, listener) => {
			channel.port1.addEventListener(type, listener);
		}
	};
	// As the worker does, with the test's own database and options.
	const desk = await new Promise<Desk>((resolve, reject) => {
		serveDesk(workerSide, async (notices) => {
			served ??= await openDesk({ indexedDB: new IDBFactory(), name: 'rpc', ...options, ...notices });
			return served;
		});
		channel.port1.start();
		// The desk opens on the first call; make it now so that tests can watch it.
		channel.port2.start();
		const id = 2 ** 40;
		channel.port2.addEventListener('message', function first(event: MessageEvent<RpcResponse>) {
			if (event.data.id !== id) return;
			channel.port2.removeEventListener('message', first);
			if (served && event.data.kind === 'result') resolve(served);
			else reject(new Error('The served desk did not open.'));
		});
		channel.port2.postMessage({ id, method: 'isEnabled', args: [] });
	});
	const pagePort = channel.port2 as unknown as DeskPort;
	const client = new DeskClient(() => {
		channel.port2.start();
		return pagePort;
	});
	// Raw messages go out on the page's port like the client's; the answer is picked out by its id.
	const raw = (message: unknown, id: number): Promise<RpcResponse> =>
		new Promise((resolve) => {
			const listener = (event: MessageEvent<RpcResponse>): void => {
				if (event.data.id !== id) return;
				channel.port2.removeEventListener('message', listener);
				resolve(event.data);
			};
			channel.port2.addEventListener('message', listener);
			channel.port2.start();
			channel.port2.postMessage(message);
		});
	return {
		desk,
		client,
		raw,
		close: () => {
			channel.port1.close();
			channel.port2.close();
			void desk.close();
		}
	};
}

/** Calls a name the page's types do not allow, as a script in the page could. */
export function callByName(client: DeskClient, name: string, ...args: unknown[]): Promise<unknown> {
	const method = (client.desk as unknown as Record<string, ((...a: unknown[]) => Promise<unknown>) | undefined>)[name];
	if (!method) throw new Error(`the client gave no function for ${name}`);
	return method(...args);
}
