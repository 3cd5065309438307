// The SFU node registry: a real SFU node process registers in Redis and
// renews its record every heartbeat; signaling's directory sees it come, drain
// and go (a killed node within about three beats, a stopped one at once), and
// skips records it cannot trust. Redis with a password works for both.
import { Writable } from 'node:stream';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord } from '../../sfu/api/registry.js';
import { createLogger } from '../../signaling/core/logger.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { createRemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestSfu, testLogger, waitFor } from '../harness/sfu.js';
import { registerNode } from '../../sfu/node/registry.js';
import { startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

const secret = 'registry-test-secret-0123456789abcdef';
const HEARTBEAT_MS = 200;

function capturedLogger() {
  const lines: string[] = [];
  const log = createLogger(
    'warn',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { log, lines };
}

const record = (nodeId: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  nodeId,
  incarnation: `inc-${nodeId}`,
  internalUrl: 'http://127.0.0.1:7100',
  mediaAddress: '127.0.0.1',
  pipeAddress: '127.0.0.1',
  version: '0.1.0',
  state: 'SERVING',
  consumersPerWorker: 500,
  workers: [],
  updatedAt: Date.now(),
  ...over,
});

async function put(client: RedisClientType, prefix: string, id: string, value: string) {
  const keys = registryKeys(prefix);
  await client.set(keys.node(id), value, { PX: 60_000 });
  await client.zAdd(keys.index, { score: Date.now() + 60_000, value: id });
}

// Each test starts SFU node processes (and may build them first).
const PROCESS_TEST_MS = 120_000;

describe('SFU node registry', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const nodeEnv = (id: string, r: TestRedis) => ({
    SFU_NODE_ID: id,
    REDIS_URL: r.url,
    REDIS_PREFIX: r.prefix,
    SFU_HEARTBEAT_MS: String(HEARTBEAT_MS),
    SFU_CONSUMERS_PER_WORKER: '40',
    PIPE_ANNOUNCED_ADDRESS: '10.0.0.7',
  });

  it(
    'a node registers, heartbeats, shows its drain, and a stop removes it at once',
    async () => {
      const client = await redis.client();
      const directory = createRegistryDirectory({
        redis: client,
        prefix: redis.prefix,
        heartbeatMs: HEARTBEAT_MS,
        log: createLogger('silent'),
      });
      const node = await startSfuNode({ secret, env: nodeEnv('reg-a', redis) });
      try {
        const [first] = await directory.snapshot();
        expect(first).toMatchObject({
          nodeId: 'reg-a',
          internalUrl: node.url,
          mediaAddress: '127.0.0.1',
          pipeAddress: '10.0.0.7',
          state: 'SERVING',
          consumersPerWorker: 40,
        });
        expect(first!.workers).toHaveLength(1);
        expect(first!.workers[0]).toMatchObject({ index: 0, routers: 0, consumers: 0 });
        // Renewed every beat.
        await waitFor(
          async () => ((await directory.snapshot())[0]?.updatedAt ?? 0) > first!.updatedAt,
          'the record is renewed',
        );

        // A drain is in the record (with the same incarnation).
        const remote = createRemoteSfu({ url: node.url, secret, log: createLogger('silent') });
        try {
          await remote.call('setNodeDraining', { draining: true });
          const [drained] = await directory.snapshot();
          expect(drained).toMatchObject({ state: 'DRAINING', incarnation: first!.incarnation });
        } finally {
          await remote.close();
        }

        await node.kill('SIGTERM');
        // At once: no waiting for the key to expire.
        expect(await client.exists(registryKeys(redis.prefix).node('reg-a'))).toBe(0);
        expect(await directory.snapshot()).toEqual([]);
      } finally {
        await node.kill('SIGKILL');
        await directory.close();
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'a killed node leaves the registry within about three beats',
    async () => {
      const client = await redis.client();
      const directory = createRegistryDirectory({
        redis: client,
        prefix: redis.prefix,
        heartbeatMs: HEARTBEAT_MS,
        log: createLogger('silent'),
      });
      let node: SfuNodeProcess | undefined;
      try {
        node = await startSfuNode({ secret, env: nodeEnv('reg-b', redis) });
        const changes: string[][] = [];
        directory.onChange((nodes) => changes.push(nodes.map((n) => n.nodeId)));
        await waitFor(() => changes.at(-1)?.includes('reg-b') === true, 'the node is listed');
        await node.kill('SIGKILL');
        await waitFor(async () => (await directory.snapshot()).length === 0, 'the node is gone');
        await waitFor(() => changes.at(-1)?.length === 0, 'listeners hear it left');
        // Readers drop a record three beats after its last write; Redis expires
        // the key on its own clock, a moment later.
        await waitFor(
          async () => (await client.exists(registryKeys(redis.prefix).node('reg-b'))) === 0,
          'the record expires in Redis',
        );
      } finally {
        await node?.kill('SIGKILL');
        await directory.close();
      }
    },
    PROCESS_TEST_MS,
  );

  it('the snapshot skips malformed, stale and unreachable records', async () => {
    const client = await redis.client();
    const prefix = `${redis.prefix}bad:`;
    const { log, lines } = capturedLogger();
    const directory = createRegistryDirectory({
      redis: client,
      prefix,
      heartbeatMs: 1000,
      log,
    });
    try {
      await put(client, prefix, 'good', JSON.stringify(record('good')));
      await put(client, prefix, 'not-json', '{oops');
      await put(
        client,
        prefix,
        'bad-shape',
        JSON.stringify({ ...record('bad-shape'), workers: 3 }),
      );
      await put(client, prefix, 'other', JSON.stringify(record('someone-else')));
      await put(
        client,
        prefix,
        'stale',
        JSON.stringify(record('stale', { updatedAt: Date.now() - 10_000 })),
      );
      await put(client, prefix, 'cut', JSON.stringify(record('cut')));

      expect((await directory.snapshot()).map((n) => n.nodeId)).toEqual(['cut', 'good']);
      const warned = lines.filter((l) => l.includes('malformed SFU node record skipped'));
      expect(warned.map((l) => (JSON.parse(l) as { nodeId: string }).nodeId).sort()).toEqual([
        'bad-shape',
        'not-json',
        'other',
      ]);

      // A dropped connection counts at once; the same incarnation stays out
      // until reachable again, a new incarnation is live.
      directory.markGone('cut', 'inc-cut');
      expect((await directory.snapshot()).map((n) => n.nodeId)).toEqual(['good']);
      directory.markReachable('cut');
      expect((await directory.snapshot()).map((n) => n.nodeId)).toEqual(['cut', 'good']);
      directory.markGone('cut', 'inc-cut');
      await put(client, prefix, 'cut', JSON.stringify(record('cut', { incarnation: 'again' })));
      expect((await directory.snapshot()).map((n) => n.incarnation)).toEqual(['again', 'inc-good']);
    } finally {
      await directory.close();
    }
  });

  describe('with a password-protected Redis', () => {
    let locked: TestRedis;
    beforeAll(async () => {
      locked = await startTestRedis({ password: 'registry-pass-9f3a' });
    });
    afterAll(async () => {
      await locked?.stop();
    });

    it(
      'the node registers with the password in REDIS_URL, and is refused without it',
      async () => {
        const client = await locked.client();
        const directory = createRegistryDirectory({
          redis: client,
          prefix: locked.prefix,
          heartbeatMs: HEARTBEAT_MS,
          log: createLogger('silent'),
        });
        const node = await startSfuNode({ secret, env: nodeEnv('reg-auth', locked) });
        try {
          await waitFor(
            async () => (await directory.snapshot()).some((n) => n.nodeId === 'reg-auth'),
            'the node is registered',
          );
        } finally {
          await node.kill('SIGTERM');
          await directory.close();
        }
        const withoutPassword = new URL(locked.url);
        withoutPassword.password = '';
        // Ready and exiting race: either the start fails, or the process exits right after.
        let refused: SfuNodeProcess | undefined;
        let output: string;
        try {
          refused = await startSfuNode({
            secret,
            env: { ...nodeEnv('reg-nopass', locked), REDIS_URL: withoutPassword.toString() },
          });
          const child = refused.child;
          await waitFor(() => child.exitCode !== null, 'the node stops');
          expect(child.exitCode).toBe(1);
          output = await refused.log();
        } catch (error) {
          output = String(error);
        } finally {
          await refused?.kill('SIGKILL');
        }
        expect(output).toContain('cannot register in the SFU registry');
        expect(output).toMatch(/NOAUTH/);
        expect(output).not.toContain('registry-pass-9f3a');
      },
      PROCESS_TEST_MS,
    );
  });

  it("an old incarnation's stop leaves a newer incarnation's record alone", async () => {
    const client = await redis.client();
    const prefix = `${redis.prefix}overlap:`;
    const keys = registryKeys(prefix);
    const media = await startTestSfu({ workers: 1 });
    const node = (incarnation: string) => ({
      nodeId: 'overlap',
      incarnation,
      internalUrl: 'http://127.0.0.1:7100',
      mediaAddress: '127.0.0.1',
      pipeAddress: '127.0.0.1',
      version: '0.1.0',
      consumersPerWorker: 500,
    });
    const common = {
      redis: client,
      prefix,
      heartbeatMs: 60_000,
      sfu: media.sfu,
      log: testLogger(),
      // A minute-long beat: neither incarnation is away long enough to fence.
      onLapse: () => {
        throw new Error('no lapse expected');
      },
    };
    try {
      const old = await registerNode({ ...common, node: node('old') });
      // The node restarted before the old process finished stopping.
      const fresh = await registerNode({ ...common, node: node('new') });
      await old.close();
      const stored = await client.get(keys.node('overlap'));
      expect(stored && (JSON.parse(stored) as NodeRecord).incarnation).toBe('new');
      expect(await client.zScore(keys.index, 'overlap')).not.toBeNull();
      await fresh.close();
      expect(await client.exists(keys.node('overlap'))).toBe(0);
      expect(await client.zScore(keys.index, 'overlap')).toBeNull();
    } finally {
      await media.close();
    }
  });
});
