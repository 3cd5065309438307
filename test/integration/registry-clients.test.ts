// Signaling's side of SFU_NODES=registry against a real SFU node process: a
// client is opened only when a node is first needed; when the connection
// drops the node is out of the live set at once (its key has not expired
// yet), and once its record is gone the client is closed.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord } from '../../sfu/api/registry.js';
import { createNodeClients } from '../../signaling/cluster/nodeClients.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { createHomeRouter } from '../../signaling/cluster/homeRouter.js';
import { createMemoryPeerNodes } from '../../signaling/cluster/peerNodes.js';
import { createMemoryRoomHomes } from '../../signaling/cluster/roomHomes.js';
import { createLogger } from '../../signaling/core/logger.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

const secret = 'registry-clients-secret-0123456789ab';
/** Long enough that the record outlives the detection of a dropped connection by far. */
const HEARTBEAT_MS = 3000;

// Starts an SFU node process (building it first if needed) and waits out its record.
const PROCESS_TEST_MS = 120_000;

describe('SFU nodes found through the registry', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  let node: SfuNodeProcess | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
  });
  afterAll(async () => {
    await node?.kill('SIGKILL');
    await redis?.stop();
  });

  it(
    'connects lazily, counts a dropped node gone at once, and closes its client once it left',
    async () => {
      const log = createLogger('silent');
      const directory = createRegistryDirectory({
        redis: client,
        prefix: redis.prefix,
        heartbeatMs: HEARTBEAT_MS,
        log,
      });
      const clients = createNodeClients({ directory, secret, heartbeatMs: HEARTBEAT_MS, log });
      const sfu = createHomeRouter({
        directory,
        homes: createMemoryRoomHomes(),
        peers: createMemoryPeerNodes(),
        clients,
        log,
      });
      const changes: NodeRecord[][] = [];
      directory.onChange((nodes) => changes.push(nodes));
      try {
        await expect(sfu.call('getLoad', {})).rejects.toMatchObject({ code: 'SFU_UNAVAILABLE' });

        node = await startSfuNode({
          secret,
          env: {
            SFU_NODE_ID: 'lazy-1',
            REDIS_URL: redis.url,
            REDIS_PREFIX: redis.prefix,
            SFU_HEARTBEAT_MS: String(HEARTBEAT_MS),
          },
        });
        await waitFor(() => changes.at(-1)?.length === 1, 'the node is live', 20_000);
        expect(clients.open()).toEqual([]); // nothing needed it yet

        // A room's call opens the one client it needs.
        await sfu.call('openRoom', { roomId: 'lazy-room' });
        expect(clients.open()).toEqual(['lazy-1']);
        const load = await sfu.call('getLoad', {});
        expect(load.workers.map((w) => w.rooms)).toEqual([1]);

        await node.kill('SIGKILL');
        // The connection's drop takes it out while its record still exists.
        await waitFor(() => changes.at(-1)?.length === 0, 'the node is out of the live set');
        expect(await client.exists(registryKeys(redis.prefix).node('lazy-1'))).toBe(1);
        expect(await directory.snapshot()).toEqual([]);
        expect(clients.open()).toEqual(['lazy-1']); // still trying: it may be only our connection

        // Once the record expired the client is closed.
        await waitFor(() => clients.open().length === 0, 'the client is closed', 30_000);
        expect(await client.exists(registryKeys(redis.prefix).node('lazy-1'))).toBe(0);
      } finally {
        await sfu.close();
        await directory.close();
      }
    },
    PROCESS_TEST_MS,
  );
});
