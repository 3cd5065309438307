// With SFU_NODES=registry, admins see the nodes the registry lists, with
// what each node says of itself (incarnation, version, addresses, capacity)
// and its live load; a node that left the registry is no longer listed;
// drain reaches the node named. Real Redis, real SFU, the node's record as
// an SFU node writes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord, type SfuApi } from '../../sfu/api/index.js';
import { createClusterAdmin } from '../../signaling/admin/clusterAdmin.js';
import { registryNodeSource } from '../../signaling/admin/nodeSource.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestSfu, testLogger, type TestSfu } from '../harness/sfu.js';

describe('admin view of the registry', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  beforeAll(async () => {
    redis = await startTestRedis();
    sfu = await startTestSfu(2);
  });
  afterAll(async () => {
    await sfu.close();
    await redis.stop();
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
    workers: [0, 1].map((index) => ({
      index,
      pid: 1000 + index,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      bitrateIn: 0,
      bitrateOut: 0,
      cpu: 0,
      draining: false,
    })),
    updatedAt: Date.now(),
  });

  it('lists registered nodes with their records and live load, and drains the one named', async () => {
    const client = await redis.client();
    const keys = registryKeys(redis.prefix);
    const register = async (r: NodeRecord) => {
      await client.set(keys.node(r.nodeId), JSON.stringify(r), { PX: 60_000 });
      await client.zAdd(keys.index, { score: Date.now() + 60_000, value: r.nodeId });
    };
    await register(record('sfu-a'));
    await register(record('sfu-b'));
    const directory = createRegistryDirectory({
      redis: client,
      prefix: redis.prefix,
      heartbeatMs: 60_000,
      log: testLogger(),
    });
    // Both records lead to the one test SFU: what matters is which id is asked.
    const asked: string[] = [];
    const clientFor = (r: NodeRecord): SfuApi => ({
      ...sfu.sfu,
      call: (method, request) => {
        asked.push(`${r.nodeId}:${method}`);
        return sfu.sfu.call(method, request);
      },
    });
    const audit = createMemoryAuditSink();
    const admin = createClusterAdmin({
      nodes: registryNodeSource(
        directory,
        clientFor,
        async (room) => (room === 'north' ? 'sfu-b' : undefined),
        // The room spans both nodes: Ivan's media sit off its home.
        async (room) => new Map(room === 'north' ? [['p-ivan', 'sfu-a']] : []),
      ),
      live: () => ({
        sfuLoad: async () => [],
        drain: async () => undefined,
        rooms: async () => [
          {
            name: 'north',
            participants: ['p-olga', 'p-ivan'].map((peerId) => ({
              peerId,
              name: peerId,
              role: 'participant' as const,
              guest: false,
              disconnected: false,
              node: null,
            })),
            lobby: 0,
            locked: false,
            started: null,
          },
        ],
        closeRoom: async () => false,
      }),
      audit,
    });

    const nodes = await admin.nodes();
    expect(nodes.map((n) => n.id)).toEqual(['sfu-a', 'sfu-b']);
    expect(nodes[0]).toMatchObject({
      incarnation: 'sfu-a-1',
      version: '0.11.0',
      internalUrl: 'http://127.0.0.1:7100/sfu-a',
      mediaAddress: '192.0.2.10',
      pipeAddress: '10.0.0.10',
      capacity: 1000,
      state: 'SERVING',
    });
    expect(nodes[0]!.workers).toHaveLength(2);
    // Each node counts the participants whose media it carries.
    expect(nodes.map((n) => n.peers)).toEqual([1, 1]);
    const [north] = await admin.rooms();
    expect(north!.participants.map((p) => [p.peerId, p.node])).toEqual([
      ['p-olga', 'sfu-b'],
      ['p-ivan', 'sfu-a'],
    ]);

    asked.length = 0;
    const drained = await admin.drainNode('sfu-b', true, { subject: 'root', ip: undefined });
    expect(drained).toMatchObject({ id: 'sfu-b', state: 'DRAINING' });
    expect(asked).toContain('sfu-b:setNodeDraining');
    expect(asked).not.toContain('sfu-a:setNodeDraining');
    expect(audit.events.map((e) => [e.action, e.target])).toEqual([['sfu.drain', 'node:sfu-b']]);
    await admin.drainNode('sfu-b', false, { subject: 'root', ip: undefined });

    // A node that left the registry is gone from the list.
    await client.del(keys.node('sfu-a'));
    expect((await admin.nodes()).map((n) => n.id)).toEqual(['sfu-b']);
    expect(await admin.drainNode('sfu-a', true, { subject: 'root', ip: undefined })).toBe(
      undefined,
    );
    await directory.close();
  });
});
