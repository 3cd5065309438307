// The SFU node registry across a Redis restart: Redis comes back empty, every
// record gone at once, though no SFU node stopped. Signaling keeps each node
// while a record of it would still be fresh (three beats since its last
// renewal), so nothing is moved off running nodes before they register again
// at their next beat; a node that does not come back is gone once its record
// would have expired, and a node that stops, with Redis intact, is gone at once.
// The node itself writes its record again as the same incarnation: a record
// that vanished with Redis's data did not lapse, and the node is not fenced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord } from '../../sfu/api/index.js';
import { registerNode, type RegistryLapse } from '../../sfu/node/registry.js';
import { createRedisIncarnation } from '../../signaling/cluster/redisIncarnation.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestSfu, testLogger, waitFor, type InProcessTestSfu } from '../harness/sfu.js';

const HEARTBEAT_MS = 300;

describe('the SFU registry when Redis restarts empty', () => {
  let redis: TestRedis;
  let media: InProcessTestSfu;
  beforeAll(async () => {
    redis = await startTestRedis({ restartable: true });
    media = await startTestSfu({ workers: 1 });
  }, 60_000);
  afterAll(async () => {
    await media?.close();
    await redis?.stop();
  });

  const record = (nodeId: string): NodeRecord => ({
    nodeId,
    incarnation: `${nodeId}-1`,
    internalUrl: `http://127.0.0.1:7100/${nodeId}`,
    mediaAddress: '192.0.2.10',
    pipeAddress: '10.0.0.10',
    version: '0.11.0',
    state: 'SERVING',
    consumersPerWorker: 500,
    workers: [],
    updatedAt: Date.now(),
  });

  it('keeps the nodes while they register again, and lets go of those that do not', async () => {
    const client = await redis.client();
    const keys = registryKeys(redis.prefix);
    /** What an SFU node writes every beat. */
    const beat = async (nodeId: string) => {
      await client.set(keys.node(nodeId), JSON.stringify(record(nodeId)), {
        PX: 3 * HEARTBEAT_MS,
      });
      await client.zAdd(keys.index, { score: Date.now() + 3 * HEARTBEAT_MS, value: nodeId });
    };
    const incarnation = createRedisIncarnation(client, redis.prefix);
    await incarnation.check();
    const directory = createRegistryDirectory({
      redis: client,
      prefix: redis.prefix,
      heartbeatMs: HEARTBEAT_MS,
      log: testLogger(),
      incarnation,
    });
    const ids = async () => (await directory.snapshot()).map((n) => n.nodeId);
    try {
      await beat('sfu-a');
      await beat('sfu-b');
      expect(await ids()).toEqual(['sfu-a', 'sfu-b']);
      // With Redis intact, a record removed (a clean stop) is a node gone at once.
      await client.del(keys.node('sfu-b'));
      await client.zRem(keys.index, 'sfu-b');
      expect(await ids()).toEqual(['sfu-a']);
      await beat('sfu-b');
      expect(await ids()).toEqual(['sfu-a', 'sfu-b']);

      await redis.restart();
      // Nothing is registered now, yet both nodes run: both still count.
      expect(await client.exists(keys.node('sfu-a'))).toBe(0);
      expect(await ids()).toEqual(['sfu-a', 'sfu-b']);
      // sfu-a registers again at its next beat; sfu-b never does.
      await beat('sfu-a');
      await waitFor(
        async () => JSON.stringify(await ids()) === JSON.stringify(['sfu-a']),
        'a node that did not register again is gone once its record would have expired',
      );
    } finally {
      await directory.close();
    }
  });

  it('an SFU node writes its record again as the same incarnation, not fenced', async () => {
    const client = await redis.client();
    const prefix = `${redis.prefix}node:`;
    const key = registryKeys(prefix).node('sfu-n');
    const lapses: RegistryLapse[] = [];
    // Beats roomy enough that the restart and the reconnection fit in one record's lifetime.
    const registration = await registerNode({
      redis: client,
      prefix,
      heartbeatMs: 1000,
      sfu: media.sfu,
      node: {
        nodeId: 'sfu-n',
        incarnation: 'first',
        internalUrl: 'http://127.0.0.1:7100',
        mediaAddress: '127.0.0.1',
        pipeAddress: '127.0.0.1',
        version: '0.1.0',
        consumersPerWorker: 500,
      },
      onLapse: (lapse) => {
        lapses.push(lapse);
        return `fenced-${lapses.length}`;
      },
      log: testLogger(),
    });
    const stored = async () => {
      const value = await client.get(key);
      return value === null ? undefined : (JSON.parse(value) as NodeRecord).incarnation;
    };
    try {
      expect(await stored()).toBe('first');
      await redis.restart();
      await waitFor(async () => (await stored()) !== undefined, 'the record is written again');
      expect(await stored()).toBe('first');
      expect(lapses).toEqual([]);
      // Emptied without a restart: the same.
      await client.flushAll();
      await waitFor(async () => (await stored()) !== undefined, 'the record is written again');
      expect(await stored()).toBe('first');
      expect(lapses).toEqual([]);
      // The record alone gone, Redis intact: the node may have been counted gone, and fences.
      await client.del(key);
      await waitFor(async () => (await stored()) === 'fenced-1', 'fenced and registered anew');
      expect(lapses.map((l) => l.cause)).toEqual(['expired']);
    } finally {
      await registration.close();
    }
  });
});
