// A signaling node as its own process (the real main.ts, run from source),
// for the cluster tier: several nodes on loopback sharing one Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** Lines the process wrote (JSON logs), for diagnosing failures. */
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startNode(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const rtcPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      RTC_PORT: String(rtcPort),
      SFU_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`node exited (${child.exitCode}):\n${output.join('')}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node did not come up:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
