// The SFU a signaling node uses when it runs none of its own: the SFU nodes
// of SFU_NODES, as a fixed list (rooms placed by their name's hash) or found
// in the registry (rooms placed by load, their home recorded in Redis), with
// the admins' view of those nodes and the reconnect notice that resyncs rooms.
import { createClient, type RedisClientType } from 'redis';
import type { SfuApi } from '../sfu/api/index.js';
import { fixedNodeSource, registryNodeSource, type SfuNodeSource } from './admin/nodeSource.js';
import { createHomeRouter } from './cluster/homeRouter.js';
import { createNodeClients } from './cluster/nodeClients.js';
import { auditNodeLosses } from './cluster/nodeLossAudit.js';
import { createRedisPeerNodes } from './cluster/peerNodes.js';
import { createRedisIncarnation } from './cluster/redisIncarnation.js';
import { createRegistryDirectory } from './cluster/registry.js';
import { createRedisRoomHomes } from './cluster/roomHomes.js';
import { createSfuRouter } from './cluster/sfuRouter.js';
import { readSettingFile } from './composeFiles.js';
import type { AuditSink } from './audit/sink.js';
import type { SfuNodesConfig, SignalingConfig } from './config.js';
import type { Logger } from './core/logger.js';
import { redisClientOptions } from './core/redisOptions.js';
import { createRemoteSfu } from './sfu/remoteSfu.js';

/** REDIS_URL's settings, with the PEM of REDIS_CA when given (read once by compose). */
type RedisSettings = NonNullable<SignalingConfig['redis']> & { ca?: string };

/**
 * Separate SFU nodes: one client per node, rooms placed on them by a stable
 * hash of the room name (every signaling node places a room alike). This node
 * runs no workers of its own.
 */
export async function connectSfuNodes(
  nodes: SfuNodesConfig,
  redis: RedisSettings | undefined,
  log: Logger,
  audit: AuditSink,
): Promise<{
  sfu: SfuApi;
  source: SfuNodeSource;
  onReconnect: (listener: (roomId?: string) => void) => () => void;
}> {
  const ca = nodes.caFile ? await readSettingFile('SFU_INTERNAL_CA', nodes.caFile) : undefined;
  if (nodes.registry) {
    if (!redis) throw new Error('SFU_NODES=registry needs REDIS_URL');
    return connectRegistryNodes(nodes, nodes.registry.heartbeatMs, redis, ca, log, audit);
  }
  const clients = nodes.urls.map((url) =>
    createRemoteSfu({ url, secret: nodes.secret, ...(ca ? { ca } : {}), log }),
  );
  const router = createSfuRouter(clients);
  return {
    sfu: router,
    source: fixedNodeSource(
      nodes.urls.map((url, i) => ({ url, sfu: clients[i] as SfuApi })),
      router.nodeOf,
    ),
    // Events of a node were lost while it was away: its rooms are resynchronised.
    onReconnect(listener) {
      const stops = clients.map((client) => client.onReconnect(() => listener()));
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}

/**
 * SFU_NODES=registry: the nodes are read from the registry in Redis and a
 * client is opened to each the first time it is needed; a node whose
 * connection drops counts as gone at once.
 */
async function connectRegistryNodes(
  nodes: SfuNodesConfig,
  heartbeatMs: number,
  redis: RedisSettings,
  ca: string | undefined,
  log: Logger,
  audit: AuditSink,
): Promise<{
  sfu: SfuApi;
  source: SfuNodeSource;
  onReconnect: (listener: (roomId?: string) => void) => () => void;
}> {
  const registryLog = log.child({ component: 'sfu-registry' });
  const client = createClient(redisClientOptions(redis.url, redis.ca)) as RedisClientType;
  client.on('error', (error: unknown) =>
    registryLog.error({ err: error, redis: 'sfu registry' }, 'redis connection error'),
  );
  await client.connect();
  // Learns the data marker now, so that records vanishing later with Redis's
  // data are told apart from nodes leaving.
  const incarnation = createRedisIncarnation(client, redis.prefix);
  await incarnation.check();
  const directory = createRegistryDirectory({
    redis: client,
    prefix: redis.prefix,
    heartbeatMs,
    log,
    incarnation,
  });
  const clients = createNodeClients({
    directory,
    secret: nodes.secret,
    ...(ca ? { ca } : {}),
    heartbeatMs,
    log,
  });
  // Each room goes to its recorded home, placed by load (docs/operations.md, "Placement by load").
  const homes = createRedisRoomHomes(client, redis.prefix);
  // Each peer's media sit on one node, recorded so every signaling node finds them.
  const peers = createRedisPeerNodes(client, redis.prefix);
  const router = createHomeRouter({ directory, homes, peers, clients, log });
  // A node lost is the system's failover: audited once across signaling nodes.
  const stopAudit = auditNodeLosses({ directory, redis: client, prefix: redis.prefix, audit, log });
  return {
    sfu: {
      ...router,
      async close() {
        stopAudit();
        await router.close();
        await clients.close();
        await directory.close();
        await client.quit();
      },
    },
    // Admins see the registry's nodes, each room's home and each peer's media node.
    source: registryNodeSource(
      directory,
      (record) => clients.get(record),
      (room) => homes.get(room),
      (room) => peers.all(room),
    ),
    // Events of a node were lost while it was away, or its rooms went with it: resynchronised.
    onReconnect: (listener) => router.onReconnect(listener),
  };
}
