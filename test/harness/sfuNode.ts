// An SFU node as its own process, started as `npm run sfu` starts it
// (infra/sfu.mjs running the build) on loopback ports of its own, for the
// tiers that run a deployment: its log goes to a temporary file (kept when a
// test fails, for the diagnosis), it is ready once its /readyz says so, and
// it can be killed with any signal and started again on the same ports — a
// restart as an operator's supervisor does it. Given a certificate
// (SFU_INTERNAL_TLS_CERT), it serves its endpoint over TLS only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What the processes run: the SFU node's and the signaling node's entry points. */
const built = [join(root, 'dist/sfu/node/main.js'), join(root, 'dist/signaling/main.js')];
const worker = join(root, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

const isFresh = (): boolean => {
  if (!built.every((file) => existsSync(file))) return false;
  const sources = Math.max(newestSource(join(root, 'sfu')), newestSource(join(root, 'signaling')));
  return built.every((file) => statSync(file).mtimeMs >= sources);
};

/**
 * Makes the server build (`npm run build:server`) when the SFU's or
 * signaling's sources are newer than it; returns why the processes of a
 * deployment cannot run here, if they cannot.
 */
export function prepareServerBuild(): string | undefined {
  if (!existsSync(worker)) return 'the mediasoup worker is not built (npm run setup)';
  if (isFresh()) return undefined;
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0 || !isFresh()) {
    return `npm run build:server failed: ${(run.stdout + run.stderr).slice(0, 2000)}`;
  }
  return undefined;
}

/** A secret for one deployment: 32+ characters, shared by its SFU and signaling nodes. */
export const newSfuSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Whether the node at `url` says it is ready. Over TLS the probe trusts the
 * node's own certificate as its CA: the certificates tests make are self-signed.
 */
async function isReady(url: string, certFile: string | undefined): Promise<boolean> {
  if (certFile === undefined) {
    const res = await fetch(`${url}/readyz`);
    return res.ok && ((await res.json()) as { ready?: boolean }).ready === true;
  }
  const ca = await readFile(certFile, 'utf8');
  const body = await new Promise<string | undefined>((resolve, reject) => {
    httpsGet(`${url}/readyz`, { ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? text : undefined));
      res.on('error', reject);
    }).on('error', reject);
  });
  return body !== undefined && (JSON.parse(body) as { ready?: boolean }).ready === true;
}

export interface SfuNodeProcess {
  /** The internal endpoint, as signaling's SFU_NODES lists it (https:// when given a certificate). */
  readonly url: string;
  readonly rtcPort: number;
  readonly child: ChildProcess;
  /** The file its output goes to (every start appends to it). */
  readonly logFile: string;
  /** What it has written so far. */
  log(): Promise<string>;
  /** Sends `signal` (SIGTERM by default); resolves with its exit code once it exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts it again on the same ports; resolves once ready. */
  restart(): Promise<void>;
}

export interface SfuNodeOptions {
  secret: string;
  /** More variables (SFU_NODE_ID, SFU_WORKERS, SFU_SECRET_PREVIOUS, SFU_INTERNAL_TLS_CERT…). */
  env?: Record<string, string>;
  /** How long a start may take before it counts as failed. */
  startMs?: number;
}

export async function startSfuNode({
  secret,
  env = {},
  startMs = 60_000,
}: SfuNodeOptions): Promise<SfuNodeProcess> {
  const problem = prepareServerBuild();
  if (problem) throw new Error(`cannot start an SFU node: ${problem}`);
  const port = await freePort();
  const rtcPort = await freePort();
  const certFile = env['SFU_INTERNAL_TLS_CERT'];
  // A certificate names a host, not an address: the tests' ones name localhost.
  const url = certFile ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  const logFile = join(await mkdtemp(join(tmpdir(), 'veche-sfu-node-')), 'sfu.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess;

  const exited = () => child.exitCode !== null || child.signalCode !== null;

  async function launch(): Promise<void> {
    child = spawn(process.execPath, ['infra/sfu.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        SFU_INTERNAL_HOST: '127.0.0.1',
        SFU_INTERNAL_PORT: String(port),
        RTC_PORT: String(rtcPort),
        RTC_LISTEN_IP: '127.0.0.1',
        SFU_WORKERS: '1',
        SFU_SECRET: secret,
        LOG_LEVEL: 'info',
        // Registered only where the test says (REDIS_URL in `env`): a node of
        // the shell's Redis would be a registry node, fenced after any pause.
        REDIS_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(out, { end: false });
    child.stderr!.pipe(out, { end: false });
    const deadline = Date.now() + startMs;
    for (;;) {
      if (exited()) {
        throw new Error(`SFU node exited (${child.exitCode}):\n${await readFile(logFile, 'utf8')}`);
      }
      try {
        if (await isReady(url, certFile)) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`SFU node not ready:\n${await readFile(logFile, 'utf8')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  await launch();
  return {
    url,
    rtcPort,
    get child() {
      return child;
    },
    logFile,
    log: () => readFile(logFile, 'utf8'),
    async kill(signal = 'SIGTERM') {
      if (exited()) return child.exitCode;
      const gone = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGCONT'); // a stopped process would not act on the signal
      child.kill(signal);
      return gone;
    },
    restart: launch,
  };
}
