// A big room spreads over a node's workers: once the worker of its router has
// no room for a newcomer's consumers, the newcomer's media goes on a router
// of the room on another worker, and media crosses between the two routers
// (pipeToRouter) both ways; the speaker observers on the room's first router
// hear both. A router left without peers closes; a worker that dies takes the
// whole room (rebuilt); pipes toward another node work from any router.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';
import { startMediaPeer, type MediaPeer } from './sfu-contract/support/mediaPeer.js';

/** ICE, DTLS and SRTP set up first, on a busy two-core machine. */
const MEDIA_FLOW_MS = 30_000;

describe('a room on several workers of one SFU', () => {
  let t: TestSfu;
  const peers: MediaPeer[] = [];

  beforeAll(async () => {
    // Three consumers per worker: the room's worker is full once carol takes alice's two.
    t = await startTestSfu({ workers: 2, consumersPerWorker: 3 });
  });
  afterAll(async () => {
    for (const peer of peers) peer.close();
    await t?.close();
  });

  const routersPerWorker = async () =>
    (await t.sfu.call('getLoad', {})).workers.map((w) => w.rooms).sort();

  /** Alice sends, carol takes both her streams, then bob comes: he does not fit on their worker. */
  async function spreadRoom(roomId: string) {
    const { sfu } = t;
    const start = async (peerId: string) => {
      const peer = await startMediaPeer(sfu, roomId, peerId);
      peers.push(peer);
      return peer;
    };
    const alice = await start('alice');
    const fromAlice = await alice.startSending();
    const carol = await start('carol');
    await carol.consume(fromAlice.audio);
    await carol.consume(fromAlice.video);
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ routers: 1 });
    expect(await routersPerWorker()).toEqual([0, 1]);
    const home = (await sfu.call('getLoad', {})).workers.find((w) => w.rooms === 1);
    // Bob would take about two consumers: alice's worker has one to spare.
    const bob = await start('bob');
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ routers: 2 });
    expect(await routersPerWorker()).toEqual([1, 1]);
    const other = (await sfu.call('getLoad', {})).workers.find((w) => w.pid !== home?.pid);
    if (!home || !other) throw new Error('the room is not on two workers');
    return { alice, fromAlice, bob, homePid: home.pid, otherPid: other.pid };
  }

  it('places a newcomer on another worker when the room’s is full, and media flows both ways', async () => {
    const { sfu } = t;
    const roomId = 'spread';
    const { alice, fromAlice, bob } = await spreadRoom(roomId);
    const fromBob = await bob.startSending();
    const atBob = await bob.consume(fromAlice.video);
    const atAlice = await alice.consume(fromBob.video);
    await waitFor(
      () => atBob.bytes() > 0 && atAlice.bytes() > 0,
      'alice and bob, on two workers, receive each other',
      MEDIA_FLOW_MS,
    );
    // The observers on the room's first router hear bob's voice from the other worker.
    await waitFor(
      () =>
        t.events.some(
          (e) =>
            e.type === 'audioLevels' &&
            e.roomId === roomId &&
            e.levels.some((l) => l.peerId === 'bob'),
        ),
      'bob’s audio level reported',
      MEDIA_FLOW_MS,
    );
    // What crosses between the workers counts on both: a consumer where it
    // leaves, a producer where it arrives.
    const load = (await sfu.call('getLoad', {})).workers;
    expect(load.reduce((n, w) => n + (w.producers ?? 0), 0)).toBeGreaterThan(4);

    // Bob leaves: the router he was alone on closes.
    bob.close();
    await sfu.call('closePeer', { roomId, peerId: 'bob' });
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ routers: 1, peers: 2 });
    expect(await routersPerWorker()).toEqual([0, 1]);
    await sfu.call('closeRoom', { roomId });
    expect(await t.contents()).toEqual({ routers: 0, transports: 0 });
  }, 90_000);

  it('loses and rebuilds the whole room when the worker of one of its routers dies', async () => {
    const { sfu } = t;
    const roomId = 'spread-lost';
    const { otherPid } = await spreadRoom(roomId);
    const { epoch } = await sfu.call('openRoom', { roomId });
    process.kill(otherPid, 'SIGKILL');
    await waitFor(
      () => t.events.some((e) => e.type === 'roomMediaLost' && e.roomId === roomId),
      'the room’s media reported lost',
    );
    const mine = t.events.filter((e) => 'roomId' in e && e.roomId === roomId && e.epoch === epoch);
    expect(mine.filter((e) => e.type === 'roomMediaLost')).toHaveLength(1);
    expect(mine.filter((e) => e.type === 'pipeClosed')).toEqual([]);
    // Rebuilt at once on one router, its peers kept without media (listing
    // the producers waits for the rebuild).
    expect((await sfu.call('listProducers', { roomId })).producers).toEqual([]);
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
      exists: true,
      routers: 1,
      peers: 3,
      transports: 0,
    });
    await sfu.call('closeRoom', { roomId });
  }, 90_000);

  it('pipes media of a peer on any of its routers to another node, and back to it', async () => {
    const roomId = 'spread-piped';
    const { bob } = await spreadRoom(roomId);
    const fromBob = await bob.startSending();
    const other = await startTestSfu(1);
    try {
      const here = { sfu: t.sfu, node: 'node-here' };
      const there = { sfu: other.sfu, node: 'node-there' };
      await there.sfu.call('openRoom', { roomId });
      const ends = await Promise.all([
        here.sfu.call('openPipe', { roomId, remoteNodeId: there.node }),
        there.sfu.call('openPipe', { roomId, remoteNodeId: here.node }),
      ]);
      await here.sfu.call('connectPipe', {
        roomId,
        remoteNodeId: there.node,
        pipeId: ends[0].pipeId,
        remote: ends[1].local,
      });
      await there.sfu.call('connectPipe', {
        roomId,
        remoteNodeId: here.node,
        pipeId: ends[1].pipeId,
        remote: ends[0].local,
      });
      const pipe = async (from: typeof here, to: typeof here, producerId: string) => {
        const piped = await from.sfu.call('pipeProducer', {
          roomId,
          remoteNodeId: to.node,
          producerId,
        });
        await to.sfu.call('acceptPipedProducer', { roomId, remoteNodeId: from.node, ...piped });
      };
      const dave = await startMediaPeer(there.sfu, roomId, 'dave');
      peers.push(dave);
      const fromDave = await dave.startSending();
      // Bob's video leaves from his router (not the room's first), dave's arrives on it.
      await pipe(here, there, fromBob.video);
      await pipe(there, here, fromDave.video);
      const atDave = await dave.consume(fromBob.video);
      const atBob = await bob.consume(fromDave.video);
      await waitFor(
        () => atDave.bytes() > 0 && atBob.bytes() > 0,
        'bob, on the room’s second worker, and dave, on another node, receive each other',
        MEDIA_FLOW_MS,
      );
      await here.sfu.call('closeRoom', { roomId });
    } finally {
      await other.close();
    }
  }, 90_000);
});
