// A signaling node of the chaos deployment (the build's dist/signaling/main.js,
// as `npm start` runs it) that can be killed and started again on the same
// port and data folder, as a supervisor restarts it. It listens on every
// address (HOST=0.0.0.0) so a bot inside a test host's namespace reaches it
// over the link as the others reach it over loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../harness/ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Lines of output kept per node, for a failure's diagnosis. */
const KEEP_LINES = 400;

export interface SignalingNode {
  readonly name: string;
  readonly port: number;
  /** Over loopback. */
  readonly url: string;
  /** Every start appends its output here. */
  readonly logFile: string;
  /** Its recent output. */
  output(): string;
  running(): boolean;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it (again) on its port; resolves once /readyz says ready. */
  start(): Promise<void>;
}

export async function createSignalingNode(
  name: string,
  dataDir: string,
  logFile: string,
  env: Record<string, string>,
): Promise<SignalingNode> {
  const port = await freePort();
  const rtcPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lines: string[] = [];
  const out = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const keep = (chunk: Buffer) => {
    out.write(chunk);
    lines.push(chunk.toString());
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
  };
  const ready = async () => {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    return res?.ok === true;
  };
  return {
    name,
    port,
    url,
    logFile,
    output: () => lines.join(''),
    running,
    async kill(signal) {
      if (!running()) return;
      const gone = new Promise((r) => child!.once('exit', r));
      child!.kill(signal);
      await gone;
    },
    async start() {
      const started = spawn(process.execPath, ['dist/signaling/main.js'], {
        cwd: root,
        env: {
          ...process.env,
          HOST: '0.0.0.0',
          PORT: String(port),
          RTC_PORT: String(rtcPort),
          LOG_LEVEL: 'warn',
          DATA_DIR: dataDir,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      const deadline = Date.now() + 60_000;
      while (!(await ready())) {
        if (!running()) throw new Error(`${name} exited:\n${lines.join('').slice(-3000)}`);
        if (Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`${name} not ready in 60 s:\n${lines.join('').slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
