// The shared room state keeps an index of its rooms, so admins list the live
// rooms of every signaling node without scanning Redis: a room is listed from
// its first write, leaves the list when its state is deleted, and leaves it
// when its state expired unrefreshed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRoomControl } from '../../signaling/rooms/control.js';
import { createRedisStateStore } from '../../signaling/rooms/redisStateStore.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

describe('room index in the shared room state', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('lists the rooms every node writes and forgets deleted and expired ones', async () => {
    const prefix = `${redis.prefix}index:`;
    const nodeA = createRedisStateStore(await redis.client(), prefix);
    const nodeB = createRedisStateStore(await redis.client(), prefix, { roomTtlMs: 300 });
    const create = (room: string) => () => ({ next: newRoomControl(room, false), result: 0 });
    expect(await nodeA.roomNames()).toEqual([]);
    await nodeA.update('north', create('north'));
    await nodeB.update('south', create('south'));
    await nodeA.update('west', create('west'));
    expect(await nodeA.roomNames()).toEqual(['north', 'south', 'west']);
    expect(await nodeB.roomNames()).toEqual(['north', 'south', 'west']);

    await nodeA.update('west', () => ({ next: undefined, result: 0 }));
    expect(await nodeB.roomNames()).toEqual(['north', 'south']);
    // south was written with a short lifetime and nobody refreshes it.
    await waitFor(async () => (await nodeA.read('south')) === undefined, 'south expired');
    await waitFor(
      async () => !(await nodeA.roomNames()).includes('south'),
      'south leaves the index',
    );
    expect(await nodeA.roomNames()).toEqual(['north']);
  });
});
