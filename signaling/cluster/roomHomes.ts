// Which SFU node is a room's home, recorded so every signaling node sends the
// room's media to the same node. Written only with compare-and-set: two
// signaling nodes placing one room at once both ask "set it to X if it is
// still what I saw", one wins, and the other adopts the winner's home. A home
// lives as long as the room's state does (ROOM_TTL_MS after its last refresh),
// so a forgotten room frees its key and an active one keeps its node.
import type { RedisClientType } from 'redis';
import { ROOM_TTL_MS } from '../rooms/redisStateStore.js';

export interface RoomHomes {
  get(roomId: string): Promise<string | undefined>;
  /**
   * Records `next` as the room's home if the recorded home is `expected` now
   * (undefined: none). Returns the home recorded afterwards: `next` when this
   * call won, else whatever another writer put there (undefined when the
   * record vanished meanwhile: decide again).
   */
  compareAndSet(
    roomId: string,
    expected: string | undefined,
    next: string,
  ): Promise<string | undefined>;
  /** Keeps these rooms' homes for another lifetime (rooms this signaling node serves). */
  refresh(roomIds: readonly string[]): Promise<void>;
  /**
   * Writes each home back when its record is missing (Redis restarted empty:
   * the signaling nodes serving a room re-assert where it lives); a record
   * present is left as it is.
   */
  restore(homes: ReadonlyMap<string, string>): Promise<void>;
}

export interface RoomHomesOptions {
  /** How long a home outlives its last write or refresh (default ROOM_TTL_MS). */
  ttlMs?: number;
  /** The clock of the memory store (tests). */
  now?: () => number;
}

/** One signaling node: the homes live in this process. */
export function createMemoryRoomHomes(options: RoomHomesOptions = {}): RoomHomes {
  const ttlMs = options.ttlMs ?? ROOM_TTL_MS;
  const now = options.now ?? Date.now;
  const homes = new Map<string, { nodeId: string; expiresAt: number }>();
  const current = (roomId: string): string | undefined => {
    const home = homes.get(roomId);
    if (home && home.expiresAt > now()) return home.nodeId;
    homes.delete(roomId);
    return undefined;
  };
  return {
    async get(roomId) {
      return current(roomId);
    },
    async compareAndSet(roomId, expected, next) {
      const home = current(roomId);
      if (home !== expected) return home;
      homes.set(roomId, { nodeId: next, expiresAt: now() + ttlMs });
      return next;
    },
    async refresh(roomIds) {
      for (const roomId of roomIds) {
        const home = current(roomId);
        if (home !== undefined) homes.set(roomId, { nodeId: home, expiresAt: now() + ttlMs });
      }
    },
    async restore(known) {
      for (const [roomId, nodeId] of known) {
        if (current(roomId) === undefined) homes.set(roomId, { nodeId, expiresAt: now() + ttlMs });
      }
    },
  };
}

/**
 * Sets the home only when it is still what the caller saw ('' for none) and
 * answers the home afterwards ('' for none). One script, so no other writer
 * comes between the read and the write.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return ARGV[2]
end
return current
`;

/** Several signaling nodes: the homes live in Redis, key `<prefix>home:<room>`. */
export function createRedisRoomHomes(
  client: Pick<RedisClientType, 'get' | 'eval' | 'multi'>,
  prefix: string,
  options: Pick<RoomHomesOptions, 'ttlMs'> = {},
): RoomHomes {
  const ttlMs = options.ttlMs ?? ROOM_TTL_MS;
  const key = (roomId: string) => `${prefix}home:${roomId}`;
  return {
    async get(roomId) {
      return (await client.get(key(roomId))) ?? undefined;
    },
    async compareAndSet(roomId, expected, next) {
      const home = await client.eval(COMPARE_AND_SET, {
        keys: [key(roomId)],
        arguments: [expected ?? '', next, String(ttlMs)],
      });
      return typeof home === 'string' && home !== '' ? home : undefined;
    },
    async refresh(roomIds) {
      if (roomIds.length === 0) return;
      const batch = client.multi();
      for (const roomId of roomIds) batch.pExpire(key(roomId), ttlMs);
      await batch.exec();
    },
    async restore(known) {
      if (known.size === 0) return;
      const batch = client.multi();
      for (const [roomId, nodeId] of known) batch.set(key(roomId), nodeId, { NX: true, PX: ttlMs });
      await batch.exec();
    },
  };
}
