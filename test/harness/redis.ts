// A Redis for tests: REDIS_URL when given (with a fresh key prefix per run),
// otherwise a throwaway redis-server on a random port in a temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { makeCertificate } from './certificate.js';
import { freePort } from './ports.js';

export interface TestRedis {
  url: string;
  /** Key prefix unique to this run: tests never see each other's keys. */
  prefix: string;
  /** With `tls`: the PEM file of the CA that signed the server's certificate (REDIS_CA). */
  caFile?: string;
  client(): Promise<RedisClientType>;
  /**
   * Stops this run's own server and starts it again, empty (it keeps nothing
   * on disk), on the same port with the same password and TLS: a Redis
   * restart as a deployment's clients see it. Resolves once it answers.
   * Only with a server of this run's own (`restartable`, `password` or
   * `tls`): a shared REDIS_URL is never restarted.
   */
  restart(): Promise<void>;
  /**
   * `restart()` in two steps, for an outage that lasts: `down()` stops this
   * run's own server (its port stays this run's), `up()` starts it again,
   * empty, and resolves once it answers.
   */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForRedis(
  url: string,
  child: ChildProcess | undefined,
  ca: string | undefined,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = createClient({
      url,
      socket: { reconnectStrategy: false, ...(ca ? { tls: true as const, ca } : {}) },
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      await probe.quit();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not come up`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface TestRedisOptions {
  /**
   * Start a server of our own that requires this password (requirepass); the
   * url then carries it, as a deployment's REDIS_URL would.
   */
  password?: string;
  /** Serve TLS only (rediss://), with a certificate made for 127.0.0.1; implies a server of our own. */
  tls?: boolean;
  /** Start a server of our own even when REDIS_URL is given, so that `restart()` may stop it. */
  restartable?: boolean;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const prefix = `veche-test-${randomUUID().slice(0, 8)}:`;
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  const own =
    options.password !== undefined || options.tls === true || options.restartable === true;
  let url = own ? undefined : process.env['REDIS_URL'];
  let caFile: string | undefined;
  let spawnServer: (() => ChildProcess) | undefined;
  if (!url) {
    dir = await mkdtemp(join(tmpdir(), 'veche-redis-'));
    const port = await freePort();
    const tls = options.tls ? makeCertificate(dir, '127.0.0.1', 'redis-') : undefined;
    caFile = tls?.cert;
    const args = [
      ...(tls
        ? [
            '--port',
            '0',
            '--tls-port',
            String(port),
            '--tls-cert-file',
            tls.cert,
            '--tls-key-file',
            tls.key,
            '--tls-ca-cert-file',
            tls.cert,
            '--tls-auth-clients',
            'no',
          ]
        : ['--port', String(port)]),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ];
    spawnServer = () => spawn('redis-server', args, { stdio: 'ignore' });
    child = spawnServer();
    const scheme = tls ? 'rediss' : 'redis';
    url =
      options.password === undefined
        ? `${scheme}://127.0.0.1:${port}`
        : `${scheme}://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  }
  const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  await waitForRedis(url, child, ca);
  const clients: RedisClientType[] = [];
  const redisUrl = url;
  const down = async () => {
    if (!child || !spawnServer)
      throw new Error('down() and restart() need startTestRedis({ restartable: true })');
    const old = child;
    if (old.exitCode !== null || old.signalCode !== null) return;
    old.kill('SIGTERM');
    await new Promise((r) => old.once('exit', r));
  };
  const up = async () => {
    if (!spawnServer) throw new Error('up() needs startTestRedis({ restartable: true })');
    child = spawnServer();
    await waitForRedis(redisUrl, child, ca);
  };
  return {
    url: redisUrl,
    prefix,
    ...(caFile ? { caFile } : {}),
    async client() {
      const client = createClient({
        url: redisUrl,
        ...(ca ? { socket: { tls: true as const, ca } } : {}),
      }) as RedisClientType;
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    },
    async restart() {
      await down();
      await up();
    },
    down,
    up,
    async stop() {
      if (!child) {
        // A shared server: remove only this run's keys.
        const cleaner = createClient({ url: redisUrl });
        cleaner.on('error', () => undefined);
        await cleaner.connect();
        for await (const keys of cleaner.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
          if (keys.length > 0) await cleaner.del(keys);
        }
        await cleaner.quit();
      }
      // A client still reconnecting (the server was restarted) never answers
      // a QUIT: it is dropped instead.
      await Promise.allSettled(clients.map((c) => (c.isReady ? c.quit() : c.destroy())));
      if (child) {
        const last = child;
        if (last.exitCode === null && last.signalCode === null) {
          last.kill('SIGTERM');
          await new Promise((r) => last.once('exit', r));
        }
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
