// An SFU node that was away longer than its registry record lives fences
// itself: its registration notices (a stalled event loop, a record gone or
// another incarnation's) and registers a new incarnation, and the SFU drops
// every room, peer, transport and lease without a word. Real Redis, a real
// mediasoup worker.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord } from '../../sfu/api/registry.js';
import { registerNode, type RegistryLapse } from '../../sfu/node/registry.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestSfu, testLogger, waitFor, type InProcessTestSfu } from '../harness/sfu.js';

const HEARTBEAT_MS = 200;
/** Three beats: the record's lifetime. */
const BOUND_MS = 3 * HEARTBEAT_MS;

/** Blocks the event loop as a paused process is blocked: no timer, no I/O. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else of this process runs meanwhile
  }
}

describe('SFU node fencing', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  let media: InProcessTestSfu;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
    media = await startTestSfu({ workers: 1 });
  }, 60_000);
  afterAll(async () => {
    await media?.close();
    await client?.quit();
    await redis?.stop();
  });

  /** A registration of node `nodeId` whose fences are numbered incarnations. */
  async function registered(nodeId: string, heartbeatMs = HEARTBEAT_MS) {
    const prefix = `${redis.prefix}${nodeId}:`;
    const key = registryKeys(prefix).node(nodeId);
    const lapses: RegistryLapse[] = [];
    const registration = await registerNode({
      redis: client,
      prefix,
      heartbeatMs,
      sfu: media.sfu,
      node: {
        nodeId,
        incarnation: 'first',
        internalUrl: 'http://127.0.0.1:7100',
        mediaAddress: '127.0.0.1',
        pipeAddress: '127.0.0.1',
        version: '0.1.0',
        consumersPerWorker: 500,
      },
      onLapse: (lapse) => {
        lapses.push(lapse);
        return `fenced-${lapses.length}`;
      },
      log: testLogger(),
    });
    const stored = async () => {
      const value = await client.get(key);
      return value === null ? undefined : (JSON.parse(value) as NodeRecord).incarnation;
    };
    return { registration, lapses, stored, key };
  }

  it('a node that beats in time keeps its incarnation', async () => {
    // Beats roomy enough that a busy machine never delays one past the bound.
    const heartbeatMs = 500;
    const { registration, lapses, stored } = await registered('steady', heartbeatMs);
    try {
      const renewed = registration.record()!.updatedAt;
      await waitFor(() => registration.record()!.updatedAt > renewed + 3 * heartbeatMs, 'beats');
      expect(lapses).toEqual([]);
      expect(await stored()).toBe('first');
      expect(registration.check()).toBe('first');
    } finally {
      await registration.close();
    }
  });

  it('a node whose event loop stalled past the bound fences itself on its next beat', async () => {
    const { registration, lapses, stored } = await registered('stalled');
    try {
      stall(BOUND_MS * 2);
      await waitFor(async () => (await stored()) === 'fenced-1', 'the new incarnation registered');
      expect(lapses).toHaveLength(1);
      expect(lapses[0]).toMatchObject({ cause: 'late', boundMs: BOUND_MS });
      expect(lapses[0]!.awayMs).toBeGreaterThan(BOUND_MS * 2);
      // Registered again, it beats on as the new incarnation.
      const renewed = registration.record()!.updatedAt;
      await waitFor(() => registration.record()!.updatedAt > renewed + 3 * HEARTBEAT_MS, 'beats');
      expect(lapses).toHaveLength(1);
      expect(await stored()).toBe('fenced-1');
    } finally {
      await registration.close();
    }
  });

  it('a call arriving as the node resumes finds it fenced already, before any beat', async () => {
    const { registration, lapses, stored } = await registered('resumed');
    try {
      stall(BOUND_MS * 2);
      // What the endpoint asks before serving a call: no timer has run yet.
      expect(registration.check()).toBe('fenced-1');
      expect(lapses.map((l) => l.cause)).toEqual(['late']);
      await waitFor(async () => (await stored()) === 'fenced-1', 'the new incarnation registered');
      expect(registration.check()).toBe('fenced-1');
    } finally {
      await registration.close();
    }
  });

  it('a renewal that finds the record gone, or written by another incarnation, fences', async () => {
    const { registration, lapses, stored, key } = await registered('lost');
    try {
      await client.del(key);
      await waitFor(async () => (await stored()) === 'fenced-1', 'registered after expiry');
      expect(lapses.map((l) => l.cause)).toEqual(['expired']);

      const theirs = JSON.parse((await client.get(key))!) as NodeRecord;
      await client.set(key, JSON.stringify({ ...theirs, incarnation: 'another-process' }), {
        PX: 60_000,
      });
      await waitFor(async () => (await stored()) === 'fenced-2', 'registered after replacement');
      expect(lapses.map((l) => l.cause)).toEqual(['expired', 'replaced']);
    } finally {
      await registration.close();
    }
    expect(await client.exists(key)).toBe(0);
  });

  it('dropping everything leaves no room, peer, transport or lease, and tells nobody', async () => {
    const { sfu } = media;
    await sfu.call('openRoom', { roomId: 'stale', owner: 'signal-1', leaseMs: 60_000 });
    await sfu.call('attachPeer', {
      roomId: 'stale',
      peerId: 'p1',
      owner: 'signal-1',
      leaseMs: 60_000,
    });
    await sfu.call('createWebRtcTransport', { roomId: 'stale', peerId: 'p1', direction: 'send' });
    await sfu.call('openPipe', { roomId: 'stale', remoteNodeId: 'elsewhere' });
    // A room still being opened goes too.
    const opening = sfu.call('openRoom', { roomId: 'half-open', owner: 'signal-1' });
    expect(await media.contents()).toMatchObject({ transports: 1 });
    const heard = media.events.length;

    expect(media.dropAll()).toBe(2);
    await expect(opening).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });

    expect(await sfu.call('inspectRoom', { roomId: 'stale' })).toMatchObject({ exists: false });
    expect(await sfu.call('inspectRoom', { roomId: 'half-open' })).toMatchObject({
      exists: false,
    });
    expect(await sfu.call('renewLease', { owner: 'signal-1', leaseMs: 60_000 })).toEqual({
      rooms: 0,
      peers: 0,
    });
    const load = await sfu.call('getLoad', {});
    expect(load.workers.reduce((n, w) => n + w.rooms + w.transports, 0)).toBe(0);
    await waitFor(async () => (await media.contents()).routers === 0, 'the routers closed');
    expect((await media.contents()).transports).toBe(0);
    expect(media.events.slice(heard)).toEqual([]);

    // The node goes on: a room opened now is a new one.
    const again = await sfu.call('openRoom', { roomId: 'stale' });
    expect((await sfu.call('inspectRoom', { roomId: 'stale' })).epoch).toBe(again.epoch);
    await sfu.call('closeRoom', { roomId: 'stale' });
  });
});
