#!/usr/bin/env node
// A throwaway Cyrus IMAP 3.6 (Debian's cyrus-imapd, cyrus-caldav, sasl2-bin) for the tests,
// the benchmark and for trying Sealdesk against a real mail server by hand.
//
// - Everything lives in one temporary folder owned by user `cyrus`: imapd.conf, cyrus.conf,
//   the sasldb, the spool and the sockets. Nothing touches /etc or /var.
// - IMAP and HTTP (JMAP) listen on 127.0.0.1 on free ports; LMTP is a Unix socket.
// - Users (alice and bob by default) are in a sasldb under realm `localhost` (= servername).
// - An SMTP sink (in this process) takes what JMAP's EmailSubmission sends (Cyrus 3.6:
//   `smtp_backend: host`) and delivers it over LMTP to the local users (at localhost and at the
//   test PKI's sealdesk.test), so that alice's sent mail lands in bob's inbox; everything it
//   takes is also kept in memory (`sink.messages`).
//
// Measured gotchas, handled here: the master does not pass -C to its children (every cmd has
// it); Cyrus logs only to syslog; a user's mailboxes exist only after one IMAP login; Cyrus 3.6
// can give two users' mailboxes the same uniqueid when they are created close together (see
// uniqueUserMailboxes).
//
// CLI: `npm run mailserver [-- --http-port=8080]` starts it and prints how to use it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts Cyrus's programs. */
export const CYRUS_BIN = '/usr/lib/cyrus/bin';
/** The servername and SASL realm. */
export const SERVERNAME = 'localhost';
/**
 * Domains the SMTP sink delivers to local users (by the address's local part): the server's own,
 * and the test PKI's (tests/fixtures/pki), so a reply to bob@sealdesk.test lands in bob's inbox.
 */
export const LOCAL_DOMAINS = [SERVERNAME, 'sealdesk.test'];
/** A recipient whose local part starts with this is refused at RCPT (to test a refused submission). */
export const REFUSED_PREFIX = 'refused';
/** The default users and passwords (throwaway, local only). */
export const DEFAULT_USERS = { alice: 'alice-password', bob: 'bob-password' };

/** Whether the Debian Cyrus packages are installed. */
export function cyrusInstalled() {
	return existsSync(join(CYRUS_BIN, 'master')) && existsSync(join(CYRUS_BIN, 'httpd')) && existsSync('/usr/sbin/saslpasswd2');
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function cyrusIds() {
	try {
		const uid = Number(execFileSync('id', ['-u', 'cyrus']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'cyrus']).toString().trim());
		return { uid, gid };
	} catch {
		return null;
	}
}

/**
 * Calls `onLine` with each CRLF-ended line a socket receives (latin1, without the CRLF).
 * @param {import('node:net').Socket} socket
 * @param {(line: string) => void} onLine
 */
function onLines(socket, onLine) {
	let buffer = '';
	socket.setEncoding('latin1');
	socket.on('data', (chunk) => {
		buffer += chunk;
		let index;
		while ((index = buffer.indexOf('\r\n')) >= 0) {
			const line = buffer.slice(0, index);
			buffer = buffer.slice(index + 2);
			onLine(line);
		}
	});
}

/** Reads SMTP/LMTP replies (multi-line aware) from a socket. */
function replyReader(socket) {
	const waiting = [];
	const replies = [];
	let current = [];
	onLines(socket, (line) => {
		current.push(line);
		if (line[3] !== '-') {
			replies.push({ code: Number(line.slice(0, 3)), text: current.join('\n') });
			current = [];
			while (waiting.length > 0 && replies.length > 0) waiting.shift()(replies.shift());
		}
	});
	socket.on('error', () => {
		while (waiting.length > 0) waiting.shift()({ code: 0, text: 'connection error' });
	});
	return () => new Promise((resolve) => (replies.length > 0 ? resolve(replies.shift()) : waiting.push(resolve)));
}

/**
 * Delivers one message over LMTP to local users.
 * @param {string} socketPath
 * @param {string} from - envelope sender ('' for none)
 * @param {string[]} users - local user names
 * @param {Buffer} data - the message, CRLF line ends
 * @returns {Promise<{ user: string, code: number, text: string }[]>}
 */
export async function deliverLmtp(socketPath, from, users, data) {
	const socket = connect(socketPath);
	await new Promise((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	const next = replyReader(socket);
	const send = (line) => socket.write(line + '\r\n', 'latin1');
	try {
		await next();
		send(`LHLO ${SERVERNAME}`);
		await next();
		send(`MAIL FROM:<${from}>`);
		const mail = await next();
		if (mail.code !== 250) throw new Error(`LMTP MAIL FROM: ${mail.text}`);
		const accepted = [];
		const results = [];
		for (const user of users) {
			send(`RCPT TO:<${user}>`);
			const reply = await next();
			if (reply.code === 250) accepted.push(user);
			else results.push({ user, ...reply });
		}
		if (accepted.length > 0) {
			send('DATA');
			await next();
			socket.write(dotStuff(data));
			socket.write('.\r\n');
			for (const user of accepted) results.push({ user, ...(await next()) });
		}
		send('QUIT');
		return results;
	} finally {
		socket.end();
	}
}

/** Dot-stuffs a message for SMTP/LMTP DATA, ending it with CRLF. */
function dotStuff(data) {
	let text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
	if (!text.endsWith('\r\n')) text += '\r\n';
	return Buffer.from(text.replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}

/**
 * An SMTP sink: accepts every recipient (but those starting with REFUSED_PREFIX), acknowledges
 * each message at once and then hands it to `onMessage({ from, to, data })`, one at a time.
 */
function startSmtpSink(onMessage) {
	const server = createServer((socket) => {
		let inData = false;
		let from = '';
		let to = [];
		let dataLines = [];
		let queue = Promise.resolve();
		const send = (line) => socket.write(line + '\r\n', 'latin1');
		send(`220 ${SERVERNAME} Sealdesk test SMTP sink`);
		socket.on('error', () => undefined);
		onLines(socket, (line) => {
			if (inData) {
				if (line === '.') {
					inData = false;
					const data = Buffer.from(dataLines.join('\r\n') + '\r\n', 'latin1');
					const envelope = { from, to, data };
					dataLines = [];
					from = '';
					to = [];
					// Queued, then delivered, as a real MTA does. Answering only after the LMTP delivery can
					// deadlock: Cyrus's httpd may hold a lock the lmtpd delivery needs while it waits for us.
					send('250 2.0.0 queued');
					queue = queue.then(() => onMessage(envelope)).catch((error) => {
						console.error(`Sealdesk SMTP sink: delivery failed: ${String(error?.message ?? error)}`);
					});
				} else dataLines.push(line.startsWith('..') ? line.slice(1) : line);
				return;
			}
			const verb = line.slice(0, 4).toUpperCase();
			if (verb === 'EHLO') send(`250-${SERVERNAME}\r\n250-8BITMIME\r\n250 SIZE 104857600`);
			else if (verb === 'HELO') send(`250 ${SERVERNAME}`);
			else if (verb === 'MAIL') {
				from = /<([^>]*)>/.exec(line)?.[1] ?? '';
				to = [];
				send('250 2.1.0 ok');
			} else if (verb === 'RCPT') {
				const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
				if (address.toLowerCase().startsWith(REFUSED_PREFIX)) send('550 5.1.1 <' + address + '>: Recipient address rejected: no such user');
				else {
					to.push(address);
					send('250 2.1.5 ok');
				}
			} else if (verb === 'DATA') {
				inData = true;
				send('354 go ahead');
			} else if (verb === 'RSET') {
				from = '';
				to = [];
				send('250 ok');
			} else if (verb === 'NOOP') send('250 ok');
			else if (verb === 'QUIT') {
				send('221 bye');
				socket.end();
			} else send('502 5.5.2 not implemented');
		});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One IMAP LOGIN (and LOGOUT): Cyrus creates a user's INBOX and special folders on first login. */
export async function imapLogin(port, user, password) {
	await imapSession(port, user, password, []);
}

/**
 * LOGIN, then the given commands one by one (each must answer OK), then LOGOUT.
 * @param {number} port
 * @param {string} user
 * @param {string} password
 * @param {string[]} commands - IMAP commands without tag
 */
async function imapSession(port, user, password, commands) {
	const socket = connect(port, '127.0.0.1');
	socket.setEncoding('latin1');
	let text = '';
	const waitFor = (pattern) =>
		new Promise((resolve, reject) => {
			const check = () => {
				if (pattern.test(text)) {
					socket.off('data', onData);
					resolve(text);
				}
			};
			const onData = (chunk) => {
				text += chunk;
				check();
			};
			socket.on('data', onData);
			socket.once('error', reject);
			check();
		});
	await waitFor(/\* OK/);
	socket.write(`a LOGIN ${user} "${password}"\r\n`);
	const reply = await waitFor(/\r\na (OK|NO|BAD)|^a (OK|NO|BAD)/m);
	if (!/a OK/.test(reply)) {
		socket.end();
		throw new Error(`IMAP login of ${user} failed: ${reply.trim()}`);
	}
	for (const [index, command] of commands.entries()) {
		const tag = `c${String(index)}`;
		text = '';
		socket.write(`${tag} ${command}\r\n`);
		const answer = await waitFor(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`));
		if (!new RegExp(`(^|\\r\\n)${tag} OK`).test(answer)) {
			socket.end();
			throw new Error(`IMAP ${command} as ${user} failed: ${answer.trim()}`);
		}
	}
	socket.write('b LOGOUT\r\n');
	socket.end();
}

/**
 * The users whose mailboxes share a uniqueid with another user's. Cyrus 3.6 makes mailbox
 * uniqueids from a pseudo-random sequence that processes started close together can share, so
 * two users' INBOXes may get the same one (seen: alice and customer2). A user's conversations.db
 * lives in a folder named after the INBOX's uniqueid, so both users then share one: Email/get
 * answers notFound for mail that Email/query lists and IMAP shows (delivered, never "arrived"),
 * and deleting one of the two users breaks the other's. Both must be made again.
 * @param {string} conf - imapd.conf
 * @param {Set<string>} users
 * @param {{ uid: number, gid: number } | null} ids - run ctl_mboxlist as this user (as root)
 * @returns {string[]}
 */
function usersWithSharedUniqueIds(conf, users, ids) {
	const asCyrus = ids && process.getuid?.() === 0 ? { uid: ids.uid, gid: ids.gid } : {};
	const dump = execFileSync(`${CYRUS_BIN}/ctl_mboxlist`, ['-C', conf, '-d'], { ...asCyrus, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
	const owners = new Map();
	const clashing = new Set();
	for (const match of dump.matchAll(/"name": "user\.([^".]+)[^"]*".*?"uniqueid": "([^"]+)"/g)) {
		const [, user, uniqueid] = match;
		if (!users.has(user)) continue;
		const owner = owners.get(uniqueid);
		if (owner === undefined) owners.set(uniqueid, user);
		else if (owner !== user) {
			clashing.add(owner);
			clashing.add(user);
		}
	}
	return [...clashing];
}

async function waitForPort(port, ms) {
	const until = Date.now() + ms;
	for (;;) {
		const ok = await new Promise((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.end();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (ok) return;
		if (Date.now() > until) throw new Error(`Cyrus did not listen on port ${port} within ${ms} ms.`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/**
 * Starts a throwaway Cyrus with JMAP, users, and an SMTP sink delivering to it.
 * @param {{ users?: Record<string, string>, httpPort?: number, imapPort?: number }} [options]
 * @returns {Promise<{ dir: string, origin: string, sessionUrl: string, httpPort: number,
 *   imapPort: number, smtpPort: number, lmtpSocket: string, users: Record<string, string>,
 *   sink: { messages: { from: string, to: string[], data: Buffer }[] },
 *   deliver(user: string | string[], raw: string | Uint8Array, from?: string): Promise<void>,
 *   stop(): Promise<void> }>}
 */
export async function startMailServer(options = {}) {
	if (!cyrusInstalled()) {
		throw new Error('Cyrus is not installed: apt-get install cyrus-imapd cyrus-caldav sasl2-bin (or run .ci/run).');
	}
	const users = options.users ?? DEFAULT_USERS;
	// In memory where there is /dev/shm: Cyrus fsyncs every write, which on a busy disk made
	// deliveries take seconds while the test suite ran beside it.
	const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'sealdesk-cyrus-'));
	const conf = join(dir, 'imapd.conf');
	const httpPort = options.httpPort ?? (await freePort());
	const imapPort = options.imapPort ?? (await freePort());
	const lmtpSocket = join(dir, 'socket', 'lmtp');
	const sink = { messages: [] };
	const local = new Set(Object.keys(users));
	// An admin (not a mail user) that can delete and so re-create users' mailboxes at start-up.
	const admin = { user: 'sealdesk-admin', password: randomBytes(12).toString('hex') };

	const smtp = await startSmtpSink(async ({ from, to, data }) => {
		sink.messages.push({ from, to, data });
		const here = to.map((a) => a.toLowerCase()).filter((a) => LOCAL_DOMAINS.includes(a.split('@')[1]) && local.has(a.split('@')[0]));
		if (here.length === 0) return;
		const results = await deliverLmtp(lmtpSocket, from, here.map((a) => a.split('@')[0]), data);
		const failed = results.filter((r) => r.code !== 250);
		if (failed.length > 0) throw new Error(failed.map((r) => `${r.user}: ${r.text}`).join('; '));
	});
	const smtpPort = smtp.address().port;

	for (const sub of ['conf', 'spool', 'socket', 'sieve', 'conf/db', 'conf/proc', 'conf/lock']) mkdirSync(join(dir, sub), { recursive: true });
	writeFileSync(
		conf,
		[
			`configdirectory: ${dir}/conf`,
			`partition-default: ${dir}/spool`,
			`sievedir: ${dir}/sieve`,
			`servername: ${SERVERNAME}`,
			`defaultdomain: ${SERVERNAME}`,
			'virtdomains: off',
			'unixhierarchysep: yes',
			'altnamespace: yes',
			`admins: cyrus ${admin.user}`,
			// Deleted mailboxes go at once (no DELETED.* copies that keep their uniqueid).
			'delete_mode: immediate',
			// Users' files (conversations.db, ...) in folders named after the user, not after the INBOX's
			// uniqueid, which Cyrus may give two users (see usersWithSharedUniqueIds).
			'mailbox_legacy_dirs: yes',
			'allowplaintext: yes',
			'sasl_pwcheck_method: auxprop',
			'sasl_auxprop_plugin: sasldb',
			`sasl_sasldb_path: ${dir}/sasldb2`,
			'sasl_mech_list: PLAIN LOGIN',
			'httpmodules: jmap',
			'httpallowcompress: no',
			'conversations: yes',
			'conversations_db: twoskip',
			'jmap_nonstandard_extensions: no',
			'autocreate_post: yes',
			// 0 or more: a user's INBOX and folders are created at the first login (and LMTP delivery).
			'autocreate_quota: 0',
			'autocreate_inbox_folders: Drafts | Sent | Trash',
			'autocreate_specialuse_folders: Drafts | Sent | Trash',
			'specialusealways: yes',
			'xlist-drafts: Drafts',
			'xlist-sent: Sent',
			'xlist-trash: Trash',
			`lmtpsocket: ${lmtpSocket}`,
			`idlesocket: ${dir}/socket/idle`,
			`notifysocket: ${dir}/socket/notify`,
			'idlemethod: poll',
			'smtp_backend: host',
			`smtp_host: 127.0.0.1:${smtpPort}`,
			'syslog_prefix: sealdesk-cyrus',
			'lmtp_downcase_rcpt: yes',
			'maxmessagesize: 104857600',
			// in KiB
			'jmap_max_size_upload: 102400',
			''
		].join('\n')
	);
	const bin = (name) => `${CYRUS_BIN}/${name} -C ${conf}`;
	writeFileSync(
		join(dir, 'cyrus.conf'),
		[
			'START {',
			`  recover cmd="${bin('ctl_cyrusdb')} -r"`,
			'}',
			'SERVICES {',
			`  imap cmd="${bin('imapd')}" listen="127.0.0.1:${imapPort}" prefork=0`,
			`  lmtpunix cmd="${bin('lmtpd')}" listen="${lmtpSocket}" prefork=0`,
			`  http cmd="${bin('httpd')}" listen="127.0.0.1:${httpPort}" prefork=0`,
			'}',
			'EVENTS {',
			`  checkpoint cmd="${bin('ctl_cyrusdb')} -c" period=30`,
			'}',
			'DAEMON {',
			'}',
			''
		].join('\n')
	);
	for (const [user, password] of [...Object.entries(users), [admin.user, admin.password]]) {
		execFileSync('/usr/sbin/saslpasswd2', ['-p', '-c', '-f', join(dir, 'sasldb2'), '-u', SERVERNAME, user], { input: password });
	}
	const ids = cyrusIds();
	if (ids && process.getuid?.() === 0) execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);

	const master = spawn(`${CYRUS_BIN}/master`, ['-C', conf, '-M', join(dir, 'cyrus.conf'), '-p', join(dir, 'master.pid')], {
		stdio: ['ignore', 'ignore', 'pipe'],
		detached: false
	});
	let masterErr = '';
	master.stderr.setEncoding('utf8');
	master.stderr.on('data', (chunk) => (masterErr += chunk));
	const exited = new Promise((resolve) => master.once('exit', resolve));

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		smtp.close();
		if (master.exitCode === null) {
			master.kill('SIGTERM');
			const timer = setTimeout(() => master.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		// Children of the master (prefork=0 services) end with it; the folder goes away.
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		await Promise.race([
			Promise.all([waitForPort(imapPort, 20_000), waitForPort(httpPort, 20_000)]),
			exited.then((code) => {
				throw new Error(`Cyrus master exited (${code}): ${masterErr.trim()}`);
			})
		]);
		for (const [user, password] of Object.entries(users)) await imapLogin(imapPort, user, password);
		// Users whose mailboxes share a uniqueid are deleted (both) and made again, until none share.
		for (let round = 0; ; round++) {
			const clashing = usersWithSharedUniqueIds(conf, local, ids);
			if (clashing.length === 0) break;
			if (round === 20) throw new Error(`Cyrus keeps giving these users' mailboxes another user's uniqueid: ${clashing.join(', ')}`);
			await new Promise((r) => setTimeout(r, 1100));
			for (const user of clashing) await imapSession(imapPort, admin.user, admin.password, [`SETACL "user/${user}" ${admin.user} lrswipkxtecdan`, `DELETE "user/${user}"`]);
			for (const user of clashing) await imapLogin(imapPort, user, users[user]);
		}
	} catch (error) {
		await stop();
		throw error;
	}

	const origin = `http://127.0.0.1:${httpPort}`;
	return {
		dir,
		origin,
		sessionUrl: `${origin}/jmap`,
		httpPort,
		imapPort,
		smtpPort,
		lmtpSocket,
		users,
		sink,
		async deliver(user, raw, from = 'sender@example.org') {
			const data = Buffer.from(typeof raw === 'string' ? raw.replace(/\r?\n/g, '\r\n') : raw);
			const results = await deliverLmtp(lmtpSocket, from, Array.isArray(user) ? user : [user], data);
			const failed = results.filter((r) => r.code !== 250);
			if (failed.length > 0) throw new Error(`LMTP delivery failed: ${failed.map((r) => `${r.user}: ${r.text}`).join('; ')}`);
		},
		stop
	};
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
	const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	const httpPort = arg('http-port') ? Number(arg('http-port')) : undefined;
	const server = await startMailServer(httpPort ? { httpPort } : {});
	const users = Object.entries(server.users)
		.map(([u, p]) => `  ${u} / ${p}   (${u}@${SERVERNAME})`)
		.join('\n');
	console.log(`Cyrus IMAP with JMAP is running (folder ${server.dir}).

  JMAP session   ${server.sessionUrl}
  IMAP           127.0.0.1:${server.imapPort}
  SMTP sink      127.0.0.1:${server.smtpPort} (delivers to local users over LMTP)
  users:
${users}

Serve Sealdesk with the mailbox behind its own origin, in another terminal:

  SEALDESK_JMAP_UPSTREAM=${server.origin} npm start

then open http://localhost:4173/admin/mailbox and connect with session URL /jmap.
Press Ctrl-C to stop; the folder is deleted.`);
	const shutdown = () => {
		void server.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}
