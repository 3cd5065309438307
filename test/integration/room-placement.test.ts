// Signaling over several SFU nodes (SFU_NODES): each room lives on the node
// its name hashes to, node-wide questions are asked of every node and their
// answers merged, and every node's events reach the signaling node. Two real
// in-process SFUs stand for two nodes here; the network between them is the
// SFU contract suite's concern.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuEvent } from '../../sfu/api/index.js';
import { createSfuRouter, type SfuRouter } from '../../signaling/cluster/sfuRouter.js';
import { createRemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { freePort } from '../harness/ports.js';
import { startTestSfu, testLogger, waitFor, type TestSfu } from '../harness/sfu.js';

describe('rooms placed on several SFU nodes', () => {
  let nodes: TestSfu[];
  let router: SfuRouter;

  beforeAll(async () => {
    nodes = [await startTestSfu(1), await startTestSfu(2)];
    router = createSfuRouter(nodes.map((n) => n.sfu));
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
  });

  /** Room names that land on node 0 and on node 1. */
  function namesOn(): [string, string] {
    const names = Array.from({ length: 50 }, (_, i) => `placed-${i}`);
    const first = names.find((n) => router.nodeOf(n) === 0);
    const second = names.find((n) => router.nodeOf(n) === 1);
    if (!first || !second) throw new Error('no room names for both nodes');
    return [first, second];
  }

  it('opens each room on its own node only, and sends its calls there', async () => {
    const [a, b] = namesOn();
    await router.call('openRoom', { roomId: a, owner: 'signal-1', leaseMs: 60_000 });
    await router.call('openRoom', { roomId: b, owner: 'signal-1', leaseMs: 60_000 });
    await router.call('attachPeer', { roomId: b, peerId: 'p', owner: 'signal-1', leaseMs: 60_000 });
    await router.call('createWebRtcTransport', { roomId: b, peerId: 'p', direction: 'recv' });
    expect(await nodes[0]!.sfu.call('inspectRoom', { roomId: a })).toMatchObject({ exists: true });
    expect(await nodes[1]!.sfu.call('inspectRoom', { roomId: a })).toMatchObject({ exists: false });
    expect(await nodes[1]!.sfu.call('inspectRoom', { roomId: b })).toMatchObject({
      exists: true,
      transports: 1,
    });
    expect(await router.call('inspectRoom', { roomId: b })).toMatchObject({ transports: 1 });
    // One lease renewal reaches every node the owner holds something on.
    expect(await router.call('renewLease', { owner: 'signal-1', leaseMs: 60_000 })).toEqual({
      rooms: 2,
      peers: 1,
    });
    await router.call('closeRoom', { roomId: a });
    await router.call('closeRoom', { roomId: b });
    expect(await nodes[1]!.sfu.call('inspectRoom', { roomId: b })).toMatchObject({
      exists: false,
    });
  });

  it('lists the workers of every node, numbered node after node, and drains the right one', async () => {
    const { workers } = await router.call('getLoad', {});
    expect(workers.map((w) => w.index)).toEqual([0, 1, 2]);
    const second = (await nodes[1]!.sfu.call('getLoad', {})).workers;
    expect(workers.slice(1).map((w) => w.pid)).toEqual(second.map((w) => w.pid));

    expect(await router.call('setWorkerDraining', { workerIndex: 2, draining: true })).toEqual({
      workerIndex: 2,
      draining: true,
    });
    expect((await nodes[1]!.sfu.call('getLoad', {})).workers[1]?.draining).toBe(true);
    expect((await nodes[0]!.sfu.call('getLoad', {})).workers[0]?.draining).toBe(false);
    await router.call('setWorkerDraining', { workerIndex: 2, draining: false });
    await expect(
      router.call('setWorkerDraining', { workerIndex: 3, draining: true }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(
      (await router.call('getRtpCapabilities', {})).rtpCapabilities.codecs?.length,
    ).toBeGreaterThan(0);
  });

  it('hears the events of every node', async () => {
    const [a, b] = namesOn();
    const seen: SfuEvent[] = [];
    const stop = router.onEvent((event) => seen.push(event));
    router.watchRoom(a);
    router.watchRoom(b);
    for (const roomId of [a, b]) {
      await router.call('openRoom', { roomId, owner: 'signal-2', leaseMs: 60_000 });
      await router.call('attachPeer', { roomId, peerId: 'p', owner: 'signal-2', leaseMs: 60_000 });
      await router.call('closePeer', { roomId, peerId: 'p' });
    }
    await waitFor(
      () => [a, b].every((r) => seen.some((e) => e.type === 'peerClosed' && e.roomId === r)),
      'peerClosed from both nodes',
    );
    stop();
    router.unwatchRoom(a);
    router.unwatchRoom(b);
    for (const roomId of [a, b]) await router.call('closeRoom', { roomId });
  });

  it('with one node gone, still answers for the others and says that renewal failed', async () => {
    // An SFU node nobody serves (a free port that is not listened on).
    const gone = createRemoteSfu({
      url: `http://127.0.0.1:${await freePort()}`,
      secret: 's'.repeat(32),
      deadlineMs: 500,
      log: testLogger(),
    });
    const partial = createSfuRouter([nodes[0]!.sfu, gone]);
    const [onLive] = namesOn();
    await partial.call('openRoom', { roomId: onLive, owner: 'signal-3', leaseMs: 60_000 });
    // Health and the admins' view see the workers that answer.
    expect((await partial.call('getLoad', {})).workers).toHaveLength(1);
    // The live node is renewed; the round still fails, so the renewer says so.
    await expect(
      partial.call('renewLease', { owner: 'signal-3', leaseMs: 60_000 }),
    ).rejects.toBeDefined();
    expect(await nodes[0]!.sfu.call('renewLease', { owner: 'signal-3', leaseMs: 60_000 })).toEqual({
      rooms: 1,
      peers: 0,
    });
    await partial.call('closeRoom', { roomId: onLive });
    await gone.close();
  });
});
