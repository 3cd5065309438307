// Connects the Redis pieces of a multi-node deployment: the room-state store
// and socket.io's Redis adapter (fan-out of notifications between nodes).
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient, type RedisClientType } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../core/logger.js';
import { createRedisAttemptLimiter, type AttemptLimiter } from '../rooms/attemptLimiter.js';
import { createRedisStateStore, type RedisStateStore } from '../rooms/redisStateStore.js';

export interface SharedState {
  store: RedisStateStore;
  /** Passcode attempts counted across the nodes. */
  attempts: AttemptLimiter;
  adapter: ServerOptions['adapter'];
  heartbeatMs: number;
  close(): Promise<void>;
}

export async function connectRedis(
  options: { url: string; prefix: string; heartbeatMs: number; roomTtlMs?: number },
  log: Logger,
): Promise<SharedState> {
  const connect = async (role: string) => {
    const client = createClient({ url: options.url }) as RedisClientType;
    client.on('error', (error: unknown) =>
      log.error({ err: error, redis: role }, 'redis connection error'),
    );
    await client.connect();
    return client;
  };
  const data = await connect('state');
  const pub = await connect('publish');
  const sub = await connect('subscribe');
  return {
    store: createRedisStateStore(data, options.prefix, {
      ...(options.roomTtlMs ? { roomTtlMs: options.roomTtlMs } : {}),
    }),
    attempts: createRedisAttemptLimiter(data, options.prefix),
    adapter: createAdapter(pub, sub, { key: `${options.prefix}io` }),
    heartbeatMs: options.heartbeatMs,
    async close() {
      await Promise.allSettled([data.quit(), pub.quit(), sub.quit()]);
    },
  };
}
