// The Redis room-state store against a real Redis: the same behaviour as the
// memory store, atomic under concurrent writers, with expiring keys; an
// update that changes nothing is not written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRoomControl } from '../../signaling/rooms/control.js';
import { createRedisStateStore, ROOM_TTL_MS } from '../../signaling/rooms/redisStateStore.js';
import { createMemoryStateStore, type RoomStateStore } from '../../signaling/rooms/stateStore.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

describe('room-state stores', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  const behaviours = (make: () => Promise<RoomStateStore[]>) => {
    it('creates, updates and deletes a room', async () => {
      const [store] = await make();
      expect(await store!.read('r1')).toBeUndefined();
      await store!.update('r1', () => ({ next: newRoomControl('r1', false), result: undefined }));
      await store!.update('r1', (s) => {
        s!.settings.locked = true;
        return { next: s, result: undefined };
      });
      expect((await store!.read('r1'))?.settings.locked).toBe(true);
      await store!.update('r1', () => ({ next: undefined, result: undefined }));
      expect(await store!.read('r1')).toBeUndefined();
    });

    it('loses no update when many writers race (two handles, 200 writes)', async () => {
      const stores = await make();
      await stores[0]!.update('race', () => ({
        next: newRoomControl('race', false),
        result: undefined,
      }));
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          stores[i % stores.length]!.update('race', (s) => {
            s!.hands.push(`p${i}`);
            return { next: s, result: undefined };
          }),
        ),
      );
      const hands = (await stores[1 % stores.length]!.read('race'))!.hands;
      expect(hands).toHaveLength(200);
      expect(new Set(hands).size).toBe(200);
    });
  };

  describe('memory', () => behaviours(async () => [createMemoryStateStore()]));

  describe('redis', () => {
    behaviours(async () => [
      createRedisStateStore(await redis.client(), redis.prefix),
      createRedisStateStore(await redis.client(), redis.prefix),
    ]);

    it('an update that changes nothing writes nothing', async () => {
      const client = await redis.client();
      const store = createRedisStateStore(client, redis.prefix);
      const key = `${redis.prefix}room:same`;
      await store.update('same', () => ({
        next: newRoomControl('same', false),
        result: undefined,
      }));
      const version = await client.hGet(key, 'v');
      expect(await store.update('same', (s) => ({ next: s, result: 'read' }))).toBe('read');
      expect(await client.hGet(key, 'v')).toBe(version);
      await store.update('same', (s) => {
        s!.activeSpeaker = 'p1';
        return { next: s, result: undefined };
      });
      expect(await client.hGet(key, 'v')).not.toBe(version);
    });

    it('expires rooms and nodes that nobody keeps alive', async () => {
      const client = await redis.client();
      const store = createRedisStateStore(client, redis.prefix);
      await store.update('ttl', () => ({ next: newRoomControl('ttl', false), result: undefined }));
      const ttl = await client.pTTL(`${redis.prefix}room:ttl`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(ROOM_TTL_MS);
      await store.heartbeat('node-a', 200);
      expect(await store.isNodeAlive('node-a')).toBe(true);
      const nodeTtl = await client.pTTL(`${redis.prefix}node:node-a`);
      expect(nodeTtl).toBeGreaterThan(0);
      expect(nodeTtl).toBeLessThanOrEqual(200);
      await waitFor(async () => !(await store.isNodeAlive('node-a')), 'the node is forgotten');
    });
  });
});
