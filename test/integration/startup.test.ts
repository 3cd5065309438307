// The process itself (main.ts): a port another program holds is said in one
// line naming the setting, with exit code 1 and no stack trace; a stop on
// SIGTERM goes step by step, each step in the log, and exits 0.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, ...out })),
  );
  return { child, out, exited };
}

describe('starting the server', () => {
  let postgres: PostgresServer;
  let taken: Server;
  let dataDir: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'veche-startup-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('on a port in use says so in one line and exits 1', async () => {
    const port = String((taken.address() as { port: number }).port);
    const { code, stderr } = await run({
      HOST: '127.0.0.1',
      PORT: port,
      RTC_PORT: String(await freePort()),
      SFU_WORKERS: '1',
      DATA_DIR: dataDir,
      DATABASE_URL: await postgres.createDatabase(),
    }).exited;
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `PORT ${port} is already in use on 127.0.0.1: stop the other program or set PORT`,
    ]);
  });

  it('with a Redis that refuses it says so in one line and exits 1, never waiting forever', async () => {
    const locked = await startTestRedis({ password: 'startup-pass-5c1e' });
    try {
      const withoutPassword = new URL(locked.url);
      withoutPassword.password = '';
      const { code, stderr } = await run({
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        DATABASE_URL: await postgres.createDatabase(),
        REDIS_URL: withoutPassword.toString(),
        SFU_NODES: 'http://127.0.0.1:9',
        SFU_SECRET: 's'.repeat(40),
      }).exited;
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^cannot connect to REDIS_URL: .*check its address, password and TLS$/,
      );
    } finally {
      await locked.stop();
    }
  });

  it('stops on SIGTERM step by step and exits 0', async () => {
    const port = String(await freePort());
    const node = run({
      HOST: '127.0.0.1',
      PORT: port,
      RTC_PORT: String(await freePort()),
      SFU_WORKERS: '1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: await postgres.createDatabase(),
    });
    await waitFor(
      () => node.out.stdout.includes('Veche is running at'),
      'the server starts',
      30_000,
    );
    // At start the server signs the audit chain's head into DATA_DIR.
    const checkpoints = join(dataDir, 'audit-checkpoints.log');
    await waitFor(
      async () => (await readFile(checkpoints, 'utf8').catch(() => '')).trim() !== '',
      'a signed audit checkpoint is written at start',
      30_000,
    );
    node.child.kill('SIGTERM');
    const { code, stdout } = await node.exited;
    expect(code).toBe(0);
    const steps = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; step?: string })
      .filter((line) => line.msg === 'stopped')
      .map((line) => line.step);
    expect(steps).toEqual([
      'signaling server',
      'sfu',
      'chat retention',
      'audit checkpoints',
      'database',
    ]);
  });
});
