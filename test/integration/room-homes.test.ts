// Rooms placed by load on the SFU nodes of the registry: the home is recorded
// with compare-and-set in a real Redis, so two signaling nodes opening one
// room at once agree on one node; a home whose node left is replaced; a join
// that no node can take fails with CAPACITY_EXCEEDED. The registry is the real
// Redis one (records written as nodes write them); two real in-process SFUs
// stand for the nodes (the network between them is the SFU contract suite's).
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { registryKeys, type NodeRecord, type SfuEvent } from '../../sfu/api/index.js';
import { createHomeRouter, type HomeRouter } from '../../signaling/cluster/homeRouter.js';
import { createRedisPeerNodes } from '../../signaling/cluster/peerNodes.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import {
  createMemoryRoomHomes,
  createRedisRoomHomes,
  type RoomHomes,
} from '../../signaling/cluster/roomHomes.js';
import { connectClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer } from '../harness/server.js';
import { startTestSfu, testLogger, waitFor, type TestSfu, testNodePool } from '../harness/sfu.js';

const OWNER = { owner: 'signal-1', leaseMs: 60_000 };

function record(nodeId: string, consumers: number[], state: NodeRecord['state'] = 'SERVING') {
  return {
    nodeId,
    incarnation: `${nodeId}-1`,
    internalUrl: `http://127.0.0.1:1/${nodeId}`,
    mediaAddress: '127.0.0.1',
    pipeAddress: '127.0.0.1',
    version: 'test',
    state,
    consumersPerWorker: 10,
    updatedAt: Date.now(),
    workers: consumers.map((count, index) => ({
      index,
      pid: 1,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: count,
      bitrateIn: 0,
      bitrateOut: 0,
      cpu: 0,
      draining: false,
    })),
  } satisfies NodeRecord;
}

describe('room homes', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
  });
  afterAll(async () => {
    await client.quit();
    await redis.stop();
  });

  const behaviours = (make: (prefix: string) => RoomHomes) => {
    it('sets a home only over the home the caller saw, and answers the winner', async () => {
      const homes = make(`${redis.prefix}b${Math.random()}:`);
      expect(await homes.get('r')).toBeUndefined();
      expect(await homes.compareAndSet('r', undefined, 'a')).toBe('a');
      expect(await homes.compareAndSet('r', undefined, 'b')).toBe('a');
      expect(await homes.compareAndSet('r', 'x', 'b')).toBe('a');
      expect(await homes.compareAndSet('r', 'a', 'b')).toBe('b');
      expect(await homes.get('r')).toBe('b');
    });
  };
  describe('memory', () => behaviours(() => createMemoryRoomHomes()));
  describe('redis', () => behaviours((prefix) => createRedisRoomHomes(client, prefix)));

  it('two signaling nodes placing the same rooms at once record one home per room', async () => {
    const prefix = `${redis.prefix}race:`;
    const one = createRedisRoomHomes(await redis.client(), prefix);
    const two = createRedisRoomHomes(await redis.client(), prefix);
    const rooms = Array.from({ length: 100 }, (_, i) => `race-${i}`);
    // Each proposes a different node for every room, all at once.
    const answers = await Promise.all(
      rooms.map(async (room) => {
        const [a, b] = await Promise.all([
          one.compareAndSet(room, undefined, 'node-a'),
          two.compareAndSet(room, undefined, 'node-b'),
        ]);
        return { room, a, b };
      }),
    );
    for (const { room, a, b } of answers) {
      expect(a).toBe(b);
      expect(await one.get(room)).toBe(a);
    }
  });

  it('a home lives as long as the room state and is kept by a refresh', async () => {
    const homes = createRedisRoomHomes(client, `${redis.prefix}ttl:`, { ttlMs: 60_000 });
    await homes.compareAndSet('kept', undefined, 'a');
    const ttl = await client.pTTL(`${redis.prefix}ttl:home:kept`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await client.pExpire(`${redis.prefix}ttl:home:kept`, 5_000);
    await homes.refresh(['kept']);
    expect(await client.pTTL(`${redis.prefix}ttl:home:kept`)).toBeGreaterThan(5_000);
  });

  describe('routed by the registry', () => {
    let nodes: Record<string, TestSfu>;
    const routers: HomeRouter[] = [];

    beforeAll(async () => {
      nodes = { a: await startTestSfu(1), b: await startTestSfu(1) };
    });
    afterAll(async () => {
      for (const router of routers) await router.close();
      for (const node of Object.values(nodes)) await node.close();
    });

    async function register(prefix: string, ...records: NodeRecord[]): Promise<void> {
      const keys = registryKeys(prefix);
      for (const r of records) {
        await client.set(keys.node(r.nodeId), JSON.stringify(r), { PX: 30_000 });
        await client.zAdd(keys.index, { score: Date.now(), value: r.nodeId });
      }
    }
    async function unregister(prefix: string, nodeId: string): Promise<void> {
      await client.del(registryKeys(prefix).node(nodeId));
    }

    /** A signaling node's router: its own Redis connections, the same registry and homes. */
    async function router(prefix: string): Promise<HomeRouter> {
      const redisOf = await redis.client();
      const directory = createRegistryDirectory({
        redis: redisOf,
        prefix,
        heartbeatMs: 10_000,
        log: testLogger(),
      });
      const made = createHomeRouter({
        directory,
        homes: createRedisRoomHomes(redisOf, prefix),
        peers: createRedisPeerNodes(redisOf, prefix),
        // The test's SFUs stand for the nodes' clients: one per node, always connected.
        clients: testNodePool(nodes),
        log: testLogger(),
      });
      routers.push(made);
      return made;
    }

    async function openOn(roomId: string): Promise<string[]> {
      const on: string[] = [];
      for (const [id, node] of Object.entries(nodes)) {
        if ((await node.sfu.call('inspectRoom', { roomId })).exists) on.push(id);
      }
      return on;
    }

    it('opens a new room on the emptiest SERVING node and sends its calls there', async () => {
      const prefix = `${redis.prefix}r1:`;
      await register(prefix, record('a', [6]), record('b', [2]));
      const r = await router(prefix);
      await r.call('openRoom', { roomId: 'load-1', ...OWNER });
      expect(r.homeOf('load-1')).toBe('b');
      await r.call('attachPeer', { roomId: 'load-1', peerId: 'p', ...OWNER });
      expect(await r.call('inspectRoom', { roomId: 'load-1' })).toMatchObject({ exists: true });
      expect(await openOn('load-1')).toEqual(['b']);
      // It stays on b while b is live, even draining and fuller than a.
      await register(prefix, record('b', [9], 'DRAINING'), record('a', [0]));
      await r.call('openRoom', { roomId: 'load-1', ...OWNER });
      expect(r.homeOf('load-1')).toBe('b');
      // A new room avoids the draining node.
      await r.call('openRoom', { roomId: 'load-2', ...OWNER });
      expect(r.homeOf('load-2')).toBe('a');
      for (const roomId of ['load-1', 'load-2']) await r.call('closeRoom', { roomId });
    });

    it('delivers the events of a watched room from its home, and keeps its home alive with the leases', async () => {
      const prefix = `${redis.prefix}r5:`;
      await register(prefix, record('a', [5]), record('b', [0]));
      const r = await router(prefix);
      const events: SfuEvent[] = [];
      const stop = r.onEvent((event) => events.push(event));
      await r.call('openRoom', { roomId: 'heard', ...OWNER });
      await r.call('attachPeer', { roomId: 'heard', peerId: 'p', ...OWNER });
      r.watchRoom('heard');
      await r.call('closePeer', { roomId: 'heard', peerId: 'p' });
      await waitFor(
        () => events.some((e) => e.type === 'peerClosed' && e.roomId === 'heard'),
        'the peer closed on the home node',
      );
      const key = `${prefix}home:heard`;
      await client.pExpire(key, 5_000);
      await r.call('renewLease', OWNER);
      expect(await client.pTTL(key)).toBeGreaterThan(5_000);
      stop();
      r.unwatchRoom('heard');
      await r.call('closeRoom', { roomId: 'heard' });
    });

    it('after Redis lost them, the serving node writes back the room’s home and its peers’ nodes', async () => {
      const prefix = `${redis.prefix}r7:`;
      await register(prefix, record('a', [0]), record('b', [5]));
      const r = await router(prefix);
      await r.call('openRoom', { roomId: 'kept-home', ...OWNER });
      await r.call('attachPeer', { roomId: 'kept-home', peerId: 'p', ...OWNER });
      r.watchRoom('kept-home');
      // Redis restarted empty (the registry comes back with the nodes' beats).
      await client.del([`${prefix}home:kept-home`, `${prefix}peers:kept-home`]);
      await r.call('renewLease', OWNER);
      expect(await client.get(`${prefix}home:kept-home`)).toBe('a');
      expect(await client.hGetAll(`${prefix}peers:kept-home`)).toEqual({ p: 'a' });
      // Records present are left as they are: another writer's placement wins.
      await client.hSet(`${prefix}peers:kept-home`, 'p', 'b');
      await r.call('renewLease', OWNER);
      expect(await client.hGet(`${prefix}peers:kept-home`, 'p')).toBe('b');
      r.unwatchRoom('kept-home');
      await r.call('closeRoom', { roomId: 'kept-home' });
    });

    it('a watched room whose node restarted or left is resynchronised', async () => {
      const prefix = `${redis.prefix}r6:`;
      await register(prefix, record('a', [0]), record('b', [5]));
      const r = await router(prefix);
      let resyncs = 0;
      r.onReconnect(() => (resyncs += 1));
      await r.call('openRoom', { roomId: 'restarted', ...OWNER });
      r.watchRoom('restarted');
      // Node a comes back as a new incarnation: its rooms are gone, and the watcher is told.
      await register(prefix, { ...record('a', [0]), incarnation: 'a-2' }, record('b', [5]));
      await r.call('getLoad', {});
      expect(resyncs).toBe(1);
      expect(r.homeOf('restarted')).toBeUndefined();
      // Node a leaves: the same.
      await r.call('openRoom', { roomId: 'restarted', ...OWNER });
      await unregister(prefix, 'a');
      await r.call('getLoad', {});
      expect(resyncs).toBe(2);
      r.unwatchRoom('restarted');
      await nodes.a!.sfu.call('closeRoom', { roomId: 'restarted' });
    });

    it('two signaling nodes opening the same rooms at once open each on one node', async () => {
      const prefix = `${redis.prefix}r2:`;
      await register(prefix, record('a', [0]), record('b', [0]));
      const [one, two] = [await router(prefix), await router(prefix)];
      const rooms = Array.from({ length: 12 }, (_, i) => `both-${i}`);
      let flips = 0;
      // The load moves while they place, so the emptiest node changes under them.
      const flipping = (async () => {
        while (flips < 40) {
          flips += 1;
          await register(
            prefix,
            record('a', [flips % 2 ? 9 : 0]),
            record('b', [flips % 2 ? 0 : 9]),
          );
        }
      })();
      await Promise.all(
        rooms.flatMap((roomId) => [
          one.call('openRoom', { roomId, ...OWNER }),
          two.call('openRoom', { roomId, ...OWNER }),
        ]),
      );
      await flipping;
      for (const roomId of rooms) {
        expect(one.homeOf(roomId)).toBe(two.homeOf(roomId));
        expect(await openOn(roomId)).toEqual([one.homeOf(roomId)]);
        await one.call('closeRoom', { roomId });
      }
    });

    it('replaces a home whose node left the registry', async () => {
      const prefix = `${redis.prefix}r3:`;
      await register(prefix, record('a', [0]), record('b', [5]));
      const r = await router(prefix);
      await r.call('openRoom', { roomId: 'moved', ...OWNER });
      expect(r.homeOf('moved')).toBe('a');
      await unregister(prefix, 'a');
      // Another signaling node, asked about the room before anyone reopened it: no media now.
      await expect(
        (await router(prefix)).call('inspectRoom', { roomId: 'moved' }),
      ).resolves.toMatchObject({ exists: false });
      await expect(
        (await router(prefix)).call('listProducers', { roomId: 'moved' }),
      ).rejects.toMatchObject({ code: 'ROOM_NOT_ON_NODE' });
      await r.call('openRoom', { roomId: 'moved', ...OWNER });
      expect(r.homeOf('moved')).toBe('b');
      expect(await createRedisRoomHomes(client, prefix).get('moved')).toBe('b');
      await nodes.a!.sfu.call('closeRoom', { roomId: 'moved' });
      await r.call('closeRoom', { roomId: 'moved' });
    });

    it('a join that no node can take fails with CAPACITY_EXCEEDED, at once', async () => {
      const prefix = `${redis.prefix}r4:`;
      await register(prefix, record('a', [10]), record('b', [0], 'DRAINING'));
      const r = await router(prefix);
      const server = await startTestServer({ sfu: { ...nodes.a!, sfu: r, close: async () => {} } });
      try {
        const peer = await connectClient(server.url);
        const reply = await peer.send('join', {
          room: 'no-space',
          displayName: 'Ann',
          protocolVersion: PROTOCOL_VERSION,
        });
        expect(reply).toMatchObject({ ok: false, error: { code: 'CAPACITY_EXCEEDED' } });
        expect(await openOn('no-space')).toEqual([]);
        // Room frees up: the same join goes through.
        await register(prefix, record('a', [3]));
        const joined = await peer.join('no-space', 'Ann');
        expect(joined.status).toBe('joined');
        expect(await openOn('no-space')).toEqual(['a']);
        peer.close();
      } finally {
        await server.close();
      }
    });
  });
});
