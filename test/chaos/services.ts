// The chaos run's own Redis and PostgreSQL: it stops and starts them, so it
// never uses the shell's REDIS_URL / DATABASE_URL (another run's data would
// go with them). Each lives in a folder of its own under the run's temp dir
// on a random loopback port, and comes back on the same port and data dir.
// Redis runs as the default deployment does (nothing kept on disk: a restart
// empties it, docs/state.md "When Redis restarts empty"); PostgreSQL keeps
// its data dir (a restart is a fast shutdown and a start of the same cluster).
// PostgreSQL's server binaries refuse root: as root they run as `postgres`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { freePort } from '../harness/ports.js';

/** A server the run can take away and bring back. */
export interface ChaosService {
  readonly url: string;
  /** Stops it (the port stays the run's); resolves once it exited. */
  down(): Promise<void>;
  /** Starts it again on the same port and data dir; resolves once it answers. */
  up(): Promise<void>;
  /** Stops it for good (idempotent). */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ready: () => Promise<boolean>, what: string, child: () => ChildProcess) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child().exitCode !== null) throw new Error(`${what} exited (${child().exitCode})`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer within 30 s`);
    await sleep(100);
  }
}

const exited = (child: ChildProcess | undefined) =>
  !child || child.exitCode !== null || child.signalCode !== null;

async function waitExit(child: ChildProcess | undefined): Promise<void> {
  if (exited(child)) return;
  await new Promise((r) => child!.once('exit', r));
}

/** A redis-server on a random port, no persistence, its dir under `dir`. */
export async function startChaosRedis(dir: string): Promise<ChaosService> {
  const data = join(dir, 'redis');
  mkdirSync(data, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', data];
  let child: ChildProcess | undefined;
  const answers = async () => {
    const probe = createClient({ url, socket: { reconnectStrategy: false } });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return true;
    } finally {
      await probe.quit().catch(() => undefined);
    }
  };
  const up = async () => {
    child = spawn('redis-server', [...args, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await until(answers, 'redis-server', () => child!);
  };
  const down = async () => {
    const running = child;
    if (exited(running)) return;
    running!.kill('SIGTERM');
    await waitExit(running);
  };
  await up();
  return { url, up, down, stop: down };
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, newest, 'bin');
}

/** A PostgreSQL cluster in `dir`/pg on a random port; `url` is its `veche` database. */
export async function startChaosPostgres(dir: string): Promise<ChaosService> {
  const home = join(dir, 'pg');
  mkdirSync(home, { recursive: true });
  const data = join(home, 'data');
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The postgres user passes through the run's dir to its own.
    chmodSync(dir, 0o711);
    const id = (flag: string) =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
    chownSync(home, id('-u'), id('-g'));
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
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let output = '';
  const answers = async () => {
    const client = new pg.Client({ connectionString: admin });
    try {
      await client.connect();
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const up = async () => {
    output = '';
    child = spawn(
      // Commits are flushed as PostgreSQL acknowledges them (synchronous_commit
      // stays on): what it acknowledged survives a restart by definition.
      ...command('postgres', ['-D', data, '-k', home, '-h', '127.0.0.1', '-p', String(port)]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await until(answers, 'postgres', () => child!).catch((error: Error) => {
      throw new Error(`${error.message}:\n${output.slice(-2000)}`);
    });
  };
  const down = async () => {
    const running = child;
    if (exited(running)) return;
    // runuser passes no signal on: the postmaster gets it (SIGINT: fast shutdown).
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(pid, name);
      } catch {
        running!.kill(name);
      }
    };
    signal('SIGINT');
    const late = setTimeout(() => signal('SIGKILL'), 15_000);
    await waitExit(running);
    clearTimeout(late);
  };
  await up();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE veche');
  await client.end();
  const url = `postgres://postgres@127.0.0.1:${port}/veche`;
  return { url, up, down, stop: down };
}
