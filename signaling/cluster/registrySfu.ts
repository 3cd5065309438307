// SFU_NODES=registry: signaling finds the SFU nodes in the registry (Redis),
// connects to each one it needs when a room is placed there, and sends every
// room to its recorded home. Assembled here so composition stays a few lines.
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../core/logger.js';
import { createRemoteSfu } from '../sfu/remoteSfu.js';
import { createClientPool } from './clientPool.js';
import { createHomeRouter, type HomeRouter } from './homeRouter.js';
import type { NodeDirectory } from './nodeDirectory.js';
import { createRegistryDirectory } from './registry.js';
import { createRedisRoomHomes } from './roomHomes.js';

export interface RegistrySfuOptions {
  redisUrl: string;
  /** REDIS_PREFIX: the registry's and the homes' keys live under it. */
  prefix: string;
  /** SFU_HEARTBEAT_MS of the nodes: how often the registry is read again. */
  heartbeatMs: number;
  /** SFU_SECRET, shared with the nodes. */
  secret: string;
  /** PEM of the CA of https:// nodes (SFU_INTERNAL_CA). */
  ca: string | undefined;
  log: Logger;
}

export interface RegistrySfu {
  sfu: HomeRouter;
  directory: NodeDirectory;
  close(): Promise<void>;
}

export async function connectRegistrySfu(options: RegistrySfuOptions): Promise<RegistrySfu> {
  const { log } = options;
  const redis = createClient({ url: options.redisUrl }) as RedisClientType;
  redis.on('error', (error: unknown) =>
    log.error({ err: error, redis: 'sfu-registry' }, 'redis connection error'),
  );
  await redis.connect();
  const directory = createRegistryDirectory({
    redis,
    prefix: options.prefix,
    heartbeatMs: options.heartbeatMs,
    log,
  });
  const clients = createClientPool({
    directory,
    connect: (node) =>
      createRemoteSfu({
        url: node.internalUrl,
        secret: options.secret,
        ...(options.ca ? { ca: options.ca } : {}),
        log: log.child({ sfuNode: node.nodeId }),
      }),
    log,
  });
  const sfu = createHomeRouter({
    directory,
    homes: createRedisRoomHomes(redis, options.prefix),
    clients,
    log,
  });
  return {
    sfu,
    directory,
    async close() {
      await sfu.close();
      await clients.close();
      await directory.close();
      await redis.quit();
    },
  };
}
