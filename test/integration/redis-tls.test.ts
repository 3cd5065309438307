// Redis with a password over TLS only (rediss://), its certificate signed by
// a private CA given as REDIS_CA: signaling nodes keep their shared rooms
// there, an SFU node registers there and a signaling node finds it there and
// records a room's home; a wrong password or an unreadable CA
// stops either process at start with one line, and the password is never
// written to a log.
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { compose, type Composition } from '../../signaling/compose.js';
import { startupFailure } from '../../signaling/composeErrors.js';
import { createLogger } from '../../signaling/core/logger.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, testConfig, testOverrides, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';
import { newSfuSecret, startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

const PASSWORD = 'tls-redis-pass-7d2e91';
// SFU node processes start (and may be built first).
const PROCESS_TEST_MS = 120_000;

/** A signaling logger whose lines (debug and up) a test can read. */
function capturedLogger() {
  const lines: string[] = [];
  const log = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { log, lines };
}

/**
 * Starts an SFU node that must stop at start: its endpoint may answer ready
 * a moment before it gives up on Redis, so either the start fails or the
 * process exits right after. Resolves with its exit code and output.
 */
async function refusedStart(
  secret: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  let node: SfuNodeProcess;
  try {
    node = await startSfuNode({ secret, env });
  } catch (error) {
    const output = String(error);
    const code = /SFU node exited \((\d+)\)/.exec(output)?.[1];
    return { code: code === undefined ? null : Number(code), output };
  }
  try {
    const child = node.child;
    await waitFor(() => child.exitCode !== null, 'the SFU node stops');
    return { code: child.exitCode, output: await node.log() };
  } finally {
    await node.kill('SIGKILL');
  }
}

describe('Redis with a password over TLS (rediss://) and a private CA', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  let scratch: string;
  beforeAll(async () => {
    redis = await startTestRedis({ password: PASSWORD, tls: true });
    sfu = await startTestSfu(1);
    scratch = await mkdtemp(join(tmpdir(), 'veche-redis-tls-'));
  });
  afterAll(async () => {
    await sfu?.close();
    await redis?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const sharedState = (url: string, caFile: string | undefined) => ({
    url,
    prefix: redis.prefix,
    heartbeatMs: 1000,
    ...(caFile ? { caFile } : {}),
  });
  const withPassword = (password: string) => {
    const url = new URL(redis.url);
    url.password = password;
    return url.toString();
  };

  it('two signaling nodes share a room through it, the password in no log line', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:[^@]+@127\.0\.0\.1:\d+$/);
    const logs = [capturedLogger(), capturedLogger()];
    const nodes: TestServer[] = [];
    const clients: TestClient[] = [];
    try {
      for (const { log } of logs) {
        nodes.push(
          await startTestServer({ sfu, log, redis: sharedState(redis.url, redis.caFile) }),
        );
      }
      const [a, b] = nodes as [TestServer, TestServer];
      const host = await connectClient(a.url);
      clients.push(host);
      await host.join('secured', 'Host on A');
      const guest = await connectClient(b.url);
      clients.push(guest);
      // Node B learns of the host on node A only from the room state in Redis.
      const joined = await guest.join('secured', 'Guest on B');
      expect(joined.peers.map((p) => p.displayName)).toEqual(['Host on A']);
      await host.next('peerJoined', (p) => p.peer.displayName === 'Guest on B');
    } finally {
      for (const c of clients) c.close();
      for (const node of nodes) await node.close();
    }
    const written = logs.flatMap((l) => l.lines).join('');
    expect(written).not.toBe('');
    expect(written).not.toContain(PASSWORD);
  });

  it('a wrong password stops a signaling node at start with one line', async () => {
    const { log, lines } = capturedLogger();
    const failure = await startTestServer({
      sfu,
      log,
      redis: sharedState(withPassword('not-the-password'), redis.caFile),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    const line = startupFailure(failure, { port: 0, host: '127.0.0.1' });
    expect(line).toMatch(/^cannot connect to REDIS_URL: .*WRONGPASS.*check its address/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('not-the-password');
    expect(lines.join('')).not.toContain('not-the-password');
  });

  it('without the CA the TLS handshake is refused, and an unreadable REDIS_CA is named', async () => {
    const untrusted = await startTestServer({ sfu, redis: sharedState(redis.url, undefined) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(untrusted).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect(String((untrusted as Error).message)).toMatch(/certificate/);

    const missing = join(scratch, 'no-such-ca.pem');
    const unreadable = await startTestServer({ sfu, redis: sharedState(redis.url, missing) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(unreadable).toMatchObject({ code: 'CONFIG_FILE_UNREADABLE' });
    expect(startupFailure(unreadable, { port: 0, host: '127.0.0.1' })).toBe(
      `REDIS_CA ${missing} cannot be read (ENOENT)`,
    );
  });

  it(
    'an SFU node registers through it with REDIS_CA and a signaling node places a room there; a wrong password stops the SFU node at start',
    async () => {
      const secret = newSfuSecret();
      const ca = redis.caFile!;
      const env = (id: string, url: string, caFile: string) => ({
        SFU_NODE_ID: id,
        REDIS_URL: url,
        REDIS_PREFIX: redis.prefix,
        REDIS_CA: caFile,
        SFU_HEARTBEAT_MS: '200',
      });
      const directory = createRegistryDirectory({
        redis: await redis.client(),
        prefix: redis.prefix,
        heartbeatMs: 200,
        log: createLogger('silent'),
      });
      let node: SfuNodeProcess | undefined;
      let signaling: Composition | undefined;
      let peer: TestClient | undefined;
      try {
        node = await startSfuNode({ secret, env: env('tls-node', redis.url, ca) });
        await waitFor(
          async () => (await directory.snapshot()).some((n) => n.nodeId === 'tls-node'),
          'the node is registered over TLS',
        );
        // A signaling node with SFU_NODES=registry reads the registry and
        // records the room's home through the same Redis.
        const { log, lines } = capturedLogger();
        signaling = await compose(
          {
            ...testConfig({ redis: sharedState(redis.url, redis.caFile) }),
            sfuNodes: { urls: [], secret, caFile: undefined, registry: { heartbeatMs: 200 } },
          },
          { ...testOverrides(), log },
        );
        const { url } = await signaling.listen();
        peer = await connectClient(url.replace('localhost', '127.0.0.1'));
        await peer.join('homed', 'Anna');
        const state = await redis.client();
        expect(await state.get(`${redis.prefix}home:homed`)).toBe('tls-node');
        expect(await node.log()).not.toContain(PASSWORD);
        expect(lines.join('')).not.toContain(PASSWORD);
      } finally {
        peer?.close();
        await signaling?.close();
        await node?.kill('SIGTERM');
        await directory.close();
      }

      const refused = await refusedStart(secret, env('tls-wrong', withPassword('wrong-pw'), ca));
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('cannot register in the SFU registry');
      expect(refused.output).toMatch(/WRONGPASS/);
      expect(refused.output).not.toContain('wrong-pw');

      const missing = join(scratch, 'no-such-ca.pem');
      const unreadable = await refusedStart(secret, env('tls-noca', redis.url, missing));
      expect(unreadable.code).toBe(1);
      expect(unreadable.output).toContain(`REDIS_CA ${missing} cannot be read (ENOENT)`);
    },
    PROCESS_TEST_MS,
  );
});
