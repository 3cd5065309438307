// An SFU node leaving the live set is the system's failover, written to the
// audit log once: two signaling nodes watching the same registry see the
// loss, one row is written between them, with `system` as the actor.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord } from '../../sfu/api/index.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { auditNodeLosses } from '../../signaling/cluster/nodeLossAudit.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger, waitFor } from '../harness/sfu.js';

const HEARTBEAT_MS = 100;

function record(nodeId: string, incarnation: string): NodeRecord {
  return {
    nodeId,
    incarnation,
    internalUrl: `http://127.0.0.1:1/${nodeId}`,
    mediaAddress: '127.0.0.1',
    pipeAddress: '127.0.0.1',
    version: 'test',
    state: 'SERVING',
    consumersPerWorker: 10,
    updatedAt: Date.now(),
    workers: [],
  };
}

describe('the audit of a lost SFU node', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  it('is written once across signaling nodes, by the system, per lost incarnation', async () => {
    const keys = registryKeys(redis.prefix);
    // The records are renewed here as a node would, until it is "lost".
    const beating = new Map<string, NodeRecord>();
    const beat = async () => {
      for (const r of beating.values()) {
        await client.set(keys.node(r.nodeId), JSON.stringify({ ...r, updatedAt: Date.now() }), {
          PX: 3 * HEARTBEAT_MS,
        });
        await client.zAdd(keys.index, { score: Date.now(), value: r.nodeId });
      }
    };
    beating.set('a', record('a', 'a-1'));
    beating.set('b', record('b', 'b-1'));
    await beat();
    const timer = setInterval(() => void beat(), HEARTBEAT_MS / 2);
    const sinks = [createMemoryAuditSink(), createMemoryAuditSink()];
    const directories = sinks.map(() =>
      createRegistryDirectory({
        redis: client,
        prefix: redis.prefix,
        heartbeatMs: HEARTBEAT_MS,
        log: testLogger(),
      }),
    );
    const stops = sinks.map((audit, i) =>
      auditNodeLosses({
        directory: directories[i]!,
        redis: client,
        prefix: redis.prefix,
        audit,
        log: testLogger(),
      }),
    );
    try {
      const rows = () => sinks.flatMap((s) => s.events);
      await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
      expect(rows()).toEqual([]); // nodes that are simply there are no event

      beating.delete('a'); // a stops beating: gone after three beats
      await waitFor(() => rows().length > 0, 'the loss audited');
      await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
      expect(rows().map((e) => [e.action, e.actor, e.target, e.details])).toEqual([
        ['sfu.failover', 'system', 'node:a', { incarnation: 'a-1' }],
      ]);

      // b restarts as a new incarnation: its previous one was lost.
      beating.set('b', record('b', 'b-2'));
      await waitFor(() => rows().length === 2, 'the restart audited');
      expect(rows()[1]).toMatchObject({ target: 'node:b', details: { incarnation: 'b-1' } });
    } finally {
      clearInterval(timer);
      for (const stop of stops) stop();
      for (const directory of directories) await directory.close();
    }
  });
});
