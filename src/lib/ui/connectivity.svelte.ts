/**
 * Whether the browser believes it is online. Sealdesk works offline once installed; this
 * only drives the visible indicator in the shell.
 */
export class Connectivity {
	online = $state(true);

	/** Starts listening to the window's online/offline events; returns the cleanup. */
	start(): () => void {
		this.online = navigator.onLine;
		const update = () => {
			this.online = navigator.onLine;
		};
		window.addEventListener('online', update);
		window.addEventListener('offline', update);
		return () => {
			window.removeEventListener('online', update);
			window.removeEventListener('offline', update);
		};
	}
}
