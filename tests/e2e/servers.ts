/**
 * Throwaway servers for the header tests: nginx and Caddy running the shipped configs
 * (deploy/nginx.conf, deploy/Caddyfile) over the build, and small Node servers that stand for
 * a JMAP upstream or another origin. Each binds 127.0.0.1 on a free port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The build the servers serve, as an absolute path. */
export const BUILD = resolve('build');

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const address = server.address();
	await new Promise<void>((done) => server.close(() => { done(); }));
	if (address === null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/** A Node server on a free port; `hits` records every request path. */
export async function nodeServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string; hits: string[] }> {
	const hits: string[] = [];
	const server = createServer((req, res) => {
		hits.push(req.url ?? '');
		handle(req, res);
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('no port');
	return { server, origin: `http://127.0.0.1:${address.port}`, hits };
}

/**
 * Stands for a JMAP server that sends what Sealdesk must not pass on: a wildcard CORS header
 * and a CSP of its own.
 */
export function fakeJmap(): ReturnType<typeof nodeServer> {
	return nodeServer((_req, res) => {
		res.writeHead(200, {
			'content-type': 'application/json',
			'access-control-allow-origin': '*',
			'content-security-policy': 'default-src *'
		});
		res.end('{"capabilities":{"urn:ietf:params:jmap:core":{}}}');
	});
}

export interface RunningServer {
	origin: string;
	stop(): Promise<void>;
}

async function waitForPort(origin: string, child: ChildProcess, log: () => string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		if (child.exitCode !== null) throw new Error(`The server exited: ${log()}`);
		try {
			await fetch(origin);
			return;
		} catch {
			await new Promise((done) => setTimeout(done, 100));
		}
	}
	throw new Error(`The server did not answer at ${origin}: ${log()}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
	return async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise((done) => child.once('exit', done));
		child.kill('SIGTERM');
		await exited;
	};
}

function has(command: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** deploy/nginx.conf made local: plain HTTP on 127.0.0.1:port, the build as root, `upstream` for JMAP. */
export function localNginxConfig(port: number, upstream: string): string {
	const shipped = readFileSync('deploy/nginx.conf', 'utf8');
	return shipped
		.replace(/server \{\n\tlisten 80;[\s\S]*?\n\}\n/, '')
		.replace('\tlisten 443 ssl http2;', `\tlisten 127.0.0.1:${port};`)
		.replace(/^\tlisten \[::\]:443.*\n/m, '')
		.replace(/^\tssl_certificate.*\n/gm, '')
		.replaceAll('/srv/sealdesk', BUILD)
		.replaceAll('http://127.0.0.1:8008', upstream);
}

/** Runs nginx with the shipped config over the build (checked with `nginx -t` first). */
export async function startNginx(upstream: string): Promise<RunningServer> {
	if (!has('nginx')) throw new Error('nginx is not installed: .ci/run installs it (apt-get install nginx-light).');
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-nginx-'));
	const port = await freePort();
	writeFileSync(join(dir, 'sealdesk.conf'), localNginxConfig(port, upstream));
	const root = process.getuid?.() === 0 ? 'user root;\n' : '';
	writeFileSync(
		join(dir, 'nginx.conf'),
		`${root}daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;\nevents { worker_connections 64; }\n` +
			`http {\n\tinclude /etc/nginx/mime.types;\n\tdefault_type application/octet-stream;\n\taccess_log off;\n` +
			['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `\t${kind}_temp_path ${dir}/${kind};\n`).join('') +
			`\tinclude ${dir}/sealdesk.conf;\n}\n`
	);
	const args = ['-p', dir, '-c', join(dir, 'nginx.conf')];
	execFileSync('nginx', ['-t', ...args], { stdio: 'pipe' });
	const child = spawn('nginx', args, { stdio: 'ignore' });
	const origin = `http://127.0.0.1:${port}`;
	await waitForPort(origin, child, () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } });
	return { origin, stop: stopper(child) };
}

/** deploy/Caddyfile made local: plain HTTP on 127.0.0.1:port, no admin API, the build as root. */
export function localCaddyfile(port: number, upstream: string, dir: string): string {
	const shipped = readFileSync('deploy/Caddyfile', 'utf8');
	return (
		`{\n\tadmin off\n\tauto_https off\n\tstorage file_system ${dir}/data\n}\n` +
		shipped
			.replace('sealdesk.example.org {', `http://127.0.0.1:${port} {`)
			.replaceAll('/srv/sealdesk', BUILD)
			.replaceAll('127.0.0.1:8008', new URL(upstream).host)
	);
}

/** Runs Caddy with the shipped Caddyfile over the build (checked with `caddy validate` first). */
export async function startCaddy(upstream: string): Promise<RunningServer> {
	if (!has('caddy')) throw new Error('Caddy is not installed: .ci/run installs it (apt-get install caddy).');
	const dir = mkdtempSync(join(tmpdir(), 'sealdesk-caddy-'));
	const port = await freePort();
	const file = join(dir, 'Caddyfile');
	writeFileSync(file, localCaddyfile(port, upstream, dir));
	const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
	const args = ['--config', file, '--adapter', 'caddyfile'];
	execFileSync('caddy', ['validate', ...args], { stdio: 'pipe', env });
	let log = '';
	const child = spawn('caddy', ['run', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
	child.stderr.on('data', (chunk: Buffer) => {
		log += chunk.toString();
	});
	const origin = `http://127.0.0.1:${port}`;
	await waitForPort(origin, child, () => log);
	return { origin, stop: stopper(child) };
}
