// Which SFU node carries each peer's media, recorded so that every signaling
// node sends a peer's requests to the same node (a resumed connection on
// another signaling node finds its media where they are). Written with
// compare-and-set like room homes (roomHomes.ts); the record of a room lives
// as long as its home's.
import type { RedisClientType } from 'redis';
import { ROOM_TTL_MS } from '../rooms/redisStateStore.js';

export interface PeerNodes {
  get(roomId: string, peerId: string): Promise<string | undefined>;
  /** Every placed peer of the room → its node. */
  all(roomId: string): Promise<Map<string, string>>;
  /**
   * Records `next` as the peer's node if it is `expected` now (undefined:
   * none); answers the node recorded afterwards (`next` when this call won).
   */
  compareAndSet(
    roomId: string,
    peerId: string,
    expected: string | undefined,
    next: string,
  ): Promise<string | undefined>;
  forget(roomId: string, peerId: string): Promise<void>;
  forgetRoom(roomId: string): Promise<void>;
  /** Keeps these rooms' records for another lifetime. */
  refresh(roomIds: readonly string[]): Promise<void>;
  /**
   * Writes back the peers' nodes missing from the records (Redis restarted
   * empty: each signaling node re-asserts where its own peers' media sit);
   * a field present is left as it is.
   */
  restore(roomId: string, peers: ReadonlyMap<string, string>): Promise<void>;
}

export interface PeerNodesOptions {
  ttlMs?: number;
  now?: () => number;
}

/** One signaling node (tests of the router): the records live in this process. */
export function createMemoryPeerNodes(options: PeerNodesOptions = {}): PeerNodes {
  const ttlMs = options.ttlMs ?? ROOM_TTL_MS;
  const now = options.now ?? Date.now;
  const rooms = new Map<string, { peers: Map<string, string>; expiresAt: number }>();
  const room = (roomId: string) => {
    const found = rooms.get(roomId);
    if (found && found.expiresAt > now()) return found;
    rooms.delete(roomId);
    return undefined;
  };
  return {
    async get(roomId, peerId) {
      return room(roomId)?.peers.get(peerId);
    },
    async all(roomId) {
      return new Map(room(roomId)?.peers ?? []);
    },
    async compareAndSet(roomId, peerId, expected, next) {
      const found = room(roomId) ?? { peers: new Map<string, string>(), expiresAt: 0 };
      const current = found.peers.get(peerId);
      if (current !== expected) return current;
      found.peers.set(peerId, next);
      found.expiresAt = now() + ttlMs;
      rooms.set(roomId, found);
      return next;
    },
    async forget(roomId, peerId) {
      room(roomId)?.peers.delete(peerId);
    },
    async forgetRoom(roomId) {
      rooms.delete(roomId);
    },
    async refresh(roomIds) {
      for (const roomId of roomIds) {
        const found = room(roomId);
        if (found) found.expiresAt = now() + ttlMs;
      }
    },
    async restore(roomId, placed) {
      for (const [peerId, nodeId] of placed) {
        await this.compareAndSet(roomId, peerId, undefined, nodeId);
      }
    },
  };
}

/** HSET only when the field is still what the caller saw ('' for none); answers the field after. */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false then current = '' end
if current == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return ARGV[3]
end
return current
`;

/** Several signaling nodes: one hash per room, key `<prefix>peers:<room>`, field peer → node id. */
export function createRedisPeerNodes(
  client: Pick<RedisClientType, 'hGet' | 'hGetAll' | 'hDel' | 'del' | 'eval' | 'multi'>,
  prefix: string,
  options: Pick<PeerNodesOptions, 'ttlMs'> = {},
): PeerNodes {
  const ttlMs = options.ttlMs ?? ROOM_TTL_MS;
  const key = (roomId: string) => `${prefix}peers:${roomId}`;
  return {
    async get(roomId, peerId) {
      return (await client.hGet(key(roomId), peerId)) ?? undefined;
    },
    async all(roomId) {
      return new Map(Object.entries(await client.hGetAll(key(roomId))));
    },
    async compareAndSet(roomId, peerId, expected, next) {
      const node = await client.eval(COMPARE_AND_SET, {
        keys: [key(roomId)],
        arguments: [peerId, expected ?? '', next, String(ttlMs)],
      });
      return typeof node === 'string' && node !== '' ? node : undefined;
    },
    async forget(roomId, peerId) {
      await client.hDel(key(roomId), peerId);
    },
    async forgetRoom(roomId) {
      await client.del(key(roomId));
    },
    async refresh(roomIds) {
      if (roomIds.length === 0) return;
      const batch = client.multi();
      for (const roomId of roomIds) batch.pExpire(key(roomId), ttlMs);
      await batch.exec();
    },
    async restore(roomId, placed) {
      if (placed.size === 0) return;
      const batch = client.multi();
      for (const [peerId, nodeId] of placed) batch.hSetNX(key(roomId), peerId, nodeId);
      batch.pExpire(key(roomId), ttlMs);
      await batch.exec();
    },
  };
}
