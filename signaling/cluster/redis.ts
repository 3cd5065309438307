// Connects the Redis pieces of a multi-node deployment: the room-state store
// and socket.io's Redis adapter (fan-out of notifications between nodes).
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient, type RedisClientType } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../core/logger.js';
import { redisClientOptions } from '../core/redisOptions.js';
import { createRedisAttemptLimiter, type AttemptLimiter } from '../rooms/attemptLimiter.js';
import { createRedisStateStore, type RedisStateStore } from '../rooms/redisStateStore.js';
import { createRedisIncarnation, type RedisIncarnation } from './redisIncarnation.js';

export interface SharedState {
  store: RedisStateStore;
  /** Passcode attempts counted across the nodes. */
  attempts: AttemptLimiter;
  adapter: ServerOptions['adapter'];
  heartbeatMs: number;
  /** Tells whether Redis lost its data (restarted empty) since the node last looked. */
  incarnation: RedisIncarnation;
  /** The room-state connection came back after a drop (Redis may have restarted). */
  onReconnect(listener: () => void): () => void;
  /** One round trip on the room-state connection (readiness); fails at once while it is down. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A startup failure main prints in one line (the URL's password is never in it). */
function redisUnavailable(error: unknown): Error & { code: string } {
  const reason = error instanceof Error ? error.message : String(error);
  return Object.assign(
    new Error(`cannot connect to REDIS_URL: ${reason}; check its address, password and TLS`),
    { code: 'REDIS_UNAVAILABLE' },
  );
}

export async function connectRedis(
  options: { url: string; prefix: string; heartbeatMs: number; roomTtlMs?: number; ca?: string },
  log: Logger,
): Promise<SharedState> {
  const connect = async (role: string) => {
    // The first connection must succeed: a Redis that refuses us (a wrong
    // password, TLS where it has none) would otherwise be retried forever
    // while the node never starts. Once connected, a drop (a Redis restart)
    // is retried for as long as it lasts. One error listener for the whole
    // life of the client: node-redis's client is a prototype proxy on which
    // removing a listener does not reach the emitter, so a start-only listener
    // taken off again would stay and fire on the first later drop.
    let started = false;
    const base = redisClientOptions(options.url, options.ca);
    const client = createClient({
      ...base,
      socket: {
        ...base.socket,
        reconnectStrategy: (retries: number, cause: Error) =>
          started ? Math.min(50 * 2 ** retries, 2000) : cause,
      },
    }) as RedisClientType;
    client.on('error', (error: unknown) => {
      if (started) log.error({ err: error, redis: role }, 'redis connection error');
    });
    try {
      await client.connect();
    } catch (error) {
      client.destroy();
      throw redisUnavailable(error);
    }
    started = true;
    return client;
  };
  const data = await connect('state');
  const pub = await connect('publish');
  const sub = await connect('subscribe');
  // 'ready' after the first connection: it was lost and is back. Listeners
  // are kept here, never taken off the client (see connect above).
  const reconnected = new Set<() => void>();
  data.on('ready', () => {
    for (const listener of [...reconnected]) listener();
  });
  const incarnation = createRedisIncarnation(data, options.prefix);
  // The first look only learns the marker: nothing can have been lost before it.
  await incarnation.check();
  return {
    store: createRedisStateStore(data, options.prefix, {
      ...(options.roomTtlMs ? { roomTtlMs: options.roomTtlMs } : {}),
    }),
    attempts: createRedisAttemptLimiter(data, options.prefix),
    adapter: createAdapter(pub, sub, { key: `${options.prefix}io` }),
    heartbeatMs: options.heartbeatMs,
    incarnation,
    onReconnect(listener) {
      reconnected.add(listener);
      return () => void reconnected.delete(listener);
    },
    async ping() {
      if (!data.isReady) throw new Error('the Redis connection is down (reconnecting)');
      await data.ping();
    },
    async close() {
      await Promise.allSettled([data.quit(), pub.quit(), sub.quit()]);
    },
  };
}
