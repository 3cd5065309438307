// An SFU node as its own process, started the way `npm run sfu` starts it
// (infra/sfu.mjs running the build), on random loopback ports. The build is
// made first when the SFU's sources are newer than it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../harness/ports.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const built = join(root, 'dist/sfu/node/main.js');

export const SECRET = 'contract-current-secret-0123456789abcdef';
export const PREVIOUS_SECRET = 'contract-previous-secret-0123456789abcdef';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Builds the server when the SFU sources changed since; the reason it cannot, if so. */
export function prepareBuild(): string | undefined {
  const worker = join(root, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker');
  if (!existsSync(worker)) return 'the mediasoup worker is not built (npm run setup)';
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(root, 'sfu'))) {
    return undefined;
  }
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (run.status !== 0 || !existsSync(built)) {
    return `npm run build:server failed: ${(run.stdout + run.stderr).slice(0, 2000)}`;
  }
  return undefined;
}

export interface SfuNodeProcess {
  readonly url: string;
  readonly rtcPort: number;
  readonly child: ChildProcess;
  /** What the process wrote (JSON logs), for diagnosing failures. */
  readonly output: string[];
  /** Stops it with `signal`; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts it again on the same ports (a restart). */
  restart(): Promise<void>;
}

export async function startSfuNode(env: Record<string, string> = {}): Promise<SfuNodeProcess> {
  const port = await freePort();
  const rtcPort = await freePort();
  const scheme = env['SFU_INTERNAL_TLS_CERT'] ? 'https' : 'http';
  const host = scheme === 'https' ? 'localhost' : '127.0.0.1';
  const url = `${scheme}://${host}:${port}`;
  const output: string[] = [];
  let child: ChildProcess;

  async function launch(): Promise<void> {
    child = spawn(process.execPath, ['infra/sfu.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        SFU_INTERNAL_HOST: '127.0.0.1',
        SFU_INTERNAL_PORT: String(port),
        RTC_PORT: String(rtcPort),
        SFU_WORKERS: '1',
        SFU_SECRET: SECRET,
        SFU_SECRET_PREVIOUS: PREVIOUS_SECRET,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    // Ready once its log says it serves (its /readyz needs TLS trust here).
    const deadline = Date.now() + 30_000;
    while (!output.join('').includes('is serving at')) {
      if (child.exitCode !== null) {
        throw new Error(`SFU node exited (${child.exitCode}):\n${output.join('')}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`SFU node did not come up:\n${output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  await launch();
  return {
    url,
    rtcPort,
    get child() {
      return child;
    },
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGCONT'); // a stopped process would not act on the signal
      child.kill(signal);
      return exited;
    },
    restart: launch,
  };
}
