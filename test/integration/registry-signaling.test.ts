// A signaling process with SFU_NODES=registry: two SFU node processes
// register in Redis, and the signaling node finds them there and opens its
// rooms' media on them (each room on one node), with no list of nodes given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../sfu/api/registry.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { createLogger } from '../../signaling/core/logger.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startCluster, type Cluster } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

const secret = 'registry-signaling-secret-0123456789';
const HEARTBEAT_MS = '300';

// Starts three processes (building them first if needed).
const PROCESS_TEST_MS = 180_000;

describe('signaling with SFU_NODES=registry', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let cluster: Cluster | undefined;
  const sfu: SfuNodeProcess[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
    for (const node of sfu) await node.kill('SIGKILL');
    await redis?.stop();
    await postgres?.stop();
  });

  it(
    'opens rooms on the nodes it finds in the registry',
    async () => {
      const prefix = `${redis.prefix}reg:`;
      const shared = { REDIS_URL: redis.url, REDIS_PREFIX: prefix, SFU_HEARTBEAT_MS: HEARTBEAT_MS };
      for (const id of ['sfu-r1', 'sfu-r2']) {
        sfu.push(await startSfuNode({ secret, env: { ...shared, SFU_NODE_ID: id } }));
      }
      cluster = await startCluster(
        { redis, postgres },
        { ...shared, SFU_NODES: 'registry', SFU_SECRET: secret },
        { fromBuild: true },
      );
      const signaling = await cluster.start();

      const directory = createRegistryDirectory({
        redis: await redis.client(),
        prefix,
        heartbeatMs: Number(HEARTBEAT_MS),
        log: createLogger('silent'),
      });
      try {
        await waitFor(async () => (await directory.snapshot()).length === 2, 'both nodes register');
        // Placed by load: the first room on the emptiest node (ties by id), the
        // second on the other, now emptier one.
        const roomsOnNodes = async () =>
          (await directory.snapshot()).reduce(
            (sum, n) => sum + n.workers.reduce((s, w) => s + w.routers, 0),
            0,
          );
        for (const [i, room] of ['alpha', 'beta'].entries()) {
          const c = await connectClient(signaling.url);
          clients.push(c);
          const joined = await c.join(room, `Guest of ${room}`);
          expect(joined.routerRtpCapabilities).toBeDefined();
          await c.request('createTransport', { direction: 'recv' });
          // Placement reads the load the nodes last reported: let the registry
          // show this room before the next one is placed.
          await waitFor(async () => (await roomsOnNodes()) === i + 1, `${room} is on a node`);
        }
        // Records are renewed every beat: wait for one that shows the transport too.
        const carried = (nodes: NodeRecord[]) =>
          nodes.map((n) => [
            n.nodeId,
            n.workers.reduce((sum, w) => sum + w.routers, 0),
            n.workers.reduce((sum, w) => sum + w.transports, 0),
          ]);
        await waitFor(
          async () =>
            JSON.stringify(carried(await directory.snapshot())) ===
            JSON.stringify([
              ['sfu-r1', 1, 1],
              ['sfu-r2', 1, 1],
            ]),
          'each node carries one room with its transport',
        );
      } finally {
        await directory.close();
      }
    },
    PROCESS_TEST_MS,
  );
});
