// Room control state in Redis, shared by every signaling node.
//
// Key schema (prefix defaults to `veche:`; see docs/state.md):
//   <prefix>room:<name>   HASH  v = version (integer, bumped by every write),
//                               f = format of s (ROOM_STATE_FORMAT),
//                               s = RoomControl JSON
//                         expires ROOM_TTL_MS after the last write or refresh
//   <prefix>node:<id>     STRING "1", expires 3 heartbeat intervals after the node's last beat
//   <prefix>rooms         ZSET  room names, score = when the room's key expires (epoch ms):
//                               the live rooms of every node, listed without SCAN
//
// Writes are optimistic: read (version, state), compute the change in JS,
// then a Lua script writes only if the version is unchanged; on a conflict
// the change runs again on fresher state. No locks are held, so a node that
// dies mid-write leaves nothing locked.
import type { RedisClientType } from 'redis';
import type { RoomControl } from './control.js';
import { decodeRoomControl, ROOM_STATE_FORMAT } from './controlSchema.js';
import type { Mutation, RoomStateStore } from './stateStore.js';

/**
 * A room nobody refreshes (no node serves a member or a lobby entry of it)
 * is gone this long after its last write or refresh.
 */
export const ROOM_TTL_MS = 2 * 60_000;
/** How long one update may keep losing races before it gives up. */
const CONTENTION_BUDGET_MS = 10_000;

const compareAndSet = `
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '0') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
else
  redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 'f', ARGV[4], 's', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
end
return 1
`;

export interface RedisStateStore extends RoomStateStore {
  /** Keeps a room alive while this node serves members or lobby entries of it. */
  refresh(room: string): Promise<void>;
  /** Announces this node as alive for `ttlMs`. */
  heartbeat(nodeId: string, ttlMs: number): Promise<void>;
  isNodeAlive(nodeId: string): Promise<boolean>;
  forgetNode(nodeId: string): Promise<void>;
  /** Rooms with shared state now, of every node (for admins). */
  roomNames(): Promise<string[]>;
}

export interface RedisStateStoreOptions {
  /** Default ROOM_TTL_MS; tests shorten it. */
  roomTtlMs?: number;
}

export function createRedisStateStore(
  client: RedisClientType,
  prefix = 'veche:',
  options: RedisStateStoreOptions = {},
): RedisStateStore {
  const roomTtlMs = options.roomTtlMs ?? ROOM_TTL_MS;
  const roomKey = (room: string) => `${prefix}room:${room}`;
  const nodeKey = (node: string) => `${prefix}node:${node}`;
  const roomIndex = `${prefix}rooms`;
  const queues = new Map<string, Promise<void>>();

  async function load(
    room: string,
  ): Promise<{ version: string; raw: string | undefined; state: RoomControl | undefined }> {
    const [version, format, raw] = await client.hmGet(roomKey(room), ['v', 'f', 's']);
    return {
      version: version ?? '0',
      raw: raw ?? undefined,
      // Validated: another release may have written it (rolling upgrade).
      state: raw ? decodeRoomControl(room, format ?? undefined, raw) : undefined,
    };
  }

  async function attempt<T>(
    room: string,
    change: (current: RoomControl | undefined) => Mutation<T>,
  ): Promise<T> {
    const deadline = Date.now() + CONTENTION_BUDGET_MS;
    for (let tries = 0; ; tries++) {
      const { version, raw, state } = await load(room);
      const { next, result } = change(state);
      const serialized = next ? JSON.stringify(next) : undefined;
      // Nothing changed: the result holds for the state just read, and
      // writing it again would only make other nodes' writes retry.
      if (serialized === raw) return result;
      const written = await client.eval(compareAndSet, {
        keys: [roomKey(room), roomIndex],
        arguments: [
          version,
          serialized ?? '',
          String(roomTtlMs),
          String(ROOM_STATE_FORMAT),
          room,
          String(Date.now() + roomTtlMs),
        ],
      });
      if (written === 1) return result;
      if (Date.now() > deadline)
        throw new Error(`room ${room}: too much contention updating state`);
      // Another node wrote in between. Retry on its state, soon: busy writers
      // elsewhere finish their own queue and let us through.
      if (tries > 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(tries, 20)));
    }
  }

  return {
    async read(room) {
      return (await load(room)).state;
    },
    update<T>(room: string, change: (current: RoomControl | undefined) => Mutation<T>): Promise<T> {
      // Writers in this process take turns per room, so only other nodes can
      // race us; a conflict with them is retried on the fresher state.
      const previous = queues.get(room) ?? Promise.resolve();
      const run = previous.then(() => attempt(room, change));
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      queues.set(room, settled);
      void settled.then(() => {
        if (queues.get(room) === settled) queues.delete(room);
      });
      return run;
    },
    async refresh(room) {
      await client.pExpire(roomKey(room), roomTtlMs);
      await client.zAdd(roomIndex, { score: Date.now() + roomTtlMs, value: room }, { XX: true });
    },
    async heartbeat(nodeId, ttlMs) {
      await client.set(nodeKey(nodeId), '1', { PX: ttlMs });
    },
    async isNodeAlive(nodeId) {
      return (await client.exists(nodeKey(nodeId))) === 1;
    },
    async forgetNode(nodeId) {
      await client.del(nodeKey(nodeId));
    },
    async roomNames() {
      // Entries of rooms that expired unrefreshed are dropped as we go.
      await client.zRemRangeByScore(roomIndex, '-inf', Date.now());
      return (await client.zRange(roomIndex, 0, -1)).sort();
    },
    async close() {
      // The client belongs to the composition root, which closes it.
    },
  };
}
