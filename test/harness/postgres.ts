// A real PostgreSQL for tests. With DATABASE_URL: fresh databases on that
// server, dropped afterwards. Otherwise (or when the test must stop and start
// it: `restartable`): an ephemeral server of our own in a temp dir on a
// random port (never the machine's own cluster). Debian keeps the server
// binaries in /usr/lib/postgresql/<version>/bin, and they refuse to run as
// root, so as root they run as the postgres user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

export interface PostgresServer {
  /** Creates an empty database (optionally a copy of `template`) and returns its URL. */
  createDatabase(template?: string): Promise<string>;
  /** Stops the server, or drops every database it created on DATABASE_URL's. */
  stop(): Promise<void>;
}

/** A server of the test's own that it may take away and bring back. */
export interface RestartablePostgres extends PostgresServer {
  /** Stops it (fast shutdown; its port and data stay the test's); resolves once it exited. */
  down(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers. */
  up(): Promise<void>;
}

const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databasesOn(adminUrl: string) {
  const created: string[] = [];
  return {
    async createDatabase(template?: string) {
      const name = `veche_test_${randomBytes(6).toString('hex')}`;
      const from = template === undefined ? '' : ` TEMPLATE ${quote(databaseName(template))}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${quote(name)}${from}`);
      created.push(name);
      return withDatabase(adminUrl, name);
    },
    async dropAll() {
      for (const name of created.reverse())
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    },
  };
}

function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error(`no PostgreSQL server under ${root}: apt-get install postgresql`);
  return join(root, versions[0], 'bin');
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not start in 30 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A server of our own. Durable (every acknowledged commit flushed, as in
 * production) when the test restarts it: what it acknowledged must survive;
 * otherwise fast (fsync and synchronous commits off).
 */
async function startEphemeral(durable: boolean): Promise<RestartablePostgres> {
  const bin = serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'veche-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
    chownSync(dir, uid, gid);
  }
  const command = (program: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
      : [join(bin, program), args];

  const init = spawnSync(
    ...command('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']),
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);

  const port = await freePort();
  const fast = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  const args = ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port)];
  for (const setting of durable ? [] : fast) args.push('-c', setting);
  let output = '';
  let child: ChildProcess | undefined;
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const exited = (c: ChildProcess | undefined) =>
    !c || c.exitCode !== null || c.signalCode !== null;

  async function up() {
    output = '';
    child = spawn(...command('postgres', args), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntilReady(adminUrl, child, () => output);
  }

  async function down() {
    const running = child;
    if (exited(running)) return;
    const stopped = new Promise<void>((resolve) => running!.once('exit', () => resolve()));
    // runuser does not pass signals on: signal the postmaster itself (fast shutdown).
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(pid, name);
      } catch {
        running!.kill(name);
      }
    };
    signal('SIGINT');
    const timeout = setTimeout(() => signal('SIGKILL'), 10_000);
    await stopped;
    clearTimeout(timeout);
  }

  async function stop() {
    await down();
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await up();
  } catch (error) {
    await stop();
    throw error;
  }
  const databases = databasesOn(adminUrl);
  return { createDatabase: databases.createDatabase, stop, down, up };
}

export function startPostgres(
  env: Record<string, string | undefined>,
  options: { restartable: true },
): Promise<RestartablePostgres>;
export function startPostgres(
  env?: Record<string, string | undefined>,
  options?: { restartable?: boolean },
): Promise<PostgresServer>;
export async function startPostgres(
  env: Record<string, string | undefined> = process.env,
  options: { restartable?: boolean } = {},
): Promise<PostgresServer> {
  // A shared DATABASE_URL server is never stopped: a restartable one is ours.
  if (options.restartable) return startEphemeral(true);
  const given = env.DATABASE_URL?.trim();
  if (!given) return startEphemeral(false);
  const databases = databasesOn(given);
  return { createDatabase: databases.createDatabase, stop: databases.dropAll };
}
