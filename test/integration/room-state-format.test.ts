// Room state in Redis is read back only in a format this release knows and
// in the shape that format promises: a value written by another release (a
// rolling upgrade that changed the shape) or a damaged one is refused with
// ROOM_STATE_FORMAT, never acted on, and never overwritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRoomControl } from '../../signaling/rooms/control.js';
import { ROOM_STATE_FORMAT } from '../../signaling/rooms/controlSchema.js';
import { createRedisStateStore } from '../../signaling/rooms/redisStateStore.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';

describe('stored room state format', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('is written with its format and read back', async () => {
    const client = await redis.client();
    const store = createRedisStateStore(client, redis.prefix);
    await store.update('fmt-ok', () => ({ next: newRoomControl('fmt-ok', true), result: 0 }));
    expect(await client.hGet(`${redis.prefix}room:fmt-ok`, 'f')).toBe(String(ROOM_STATE_FORMAT));
    expect((await store.read('fmt-ok'))?.settings.lobby).toBe(true);
  });

  it('refuses a format this release does not know, and leaves it as it is', async () => {
    const client = await redis.client();
    const store = createRedisStateStore(client, redis.prefix);
    const key = `${redis.prefix}room:fmt-future`;
    const future = JSON.stringify({ ...newRoomControl('fmt-future', false), extra: { x: 1 } });
    await client.hSet(key, { v: '7', f: String(ROOM_STATE_FORMAT + 1), s: future });
    await expect(store.read('fmt-future')).rejects.toMatchObject({
      code: 'ROOM_STATE_FORMAT',
      message: expect.stringMatching(/room fmt-future: stored state has format 2/),
    });
    await expect(
      store.update('fmt-future', (s) => ({ next: s, result: undefined })),
    ).rejects.toMatchObject({ code: 'ROOM_STATE_FORMAT' });
    expect(await client.hGet(key, 's')).toBe(future);
  });

  it('refuses a value whose shape is not the format’s', async () => {
    const client = await redis.client();
    const store = createRedisStateStore(client, redis.prefix);
    // What an older release might have stored: members as a list, no hands.
    const older: Partial<ReturnType<typeof newRoomControl>> = newRoomControl('fmt-shape', false);
    delete older.hands;
    await client.hSet(`${redis.prefix}room:fmt-shape`, {
      v: '3',
      f: String(ROOM_STATE_FORMAT),
      s: JSON.stringify({ ...older, members: [] }),
    });
    await expect(store.read('fmt-shape')).rejects.toMatchObject({
      code: 'ROOM_STATE_FORMAT',
      message: expect.stringMatching(/does not match format 1 \(members:/),
    });
  });
});
