// Two signaling nodes (shared Redis) in front of one SFU: media follows the
// SFU's events, so a peer on one node consumes a producer created through the
// other with no message between the nodes; each node tells only its own
// connections what the SFU reports (once each); and a room's media lives as
// long as the meeting, not as long as one node has connections in it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';
import { opusParameters, vp8Parameters } from '../harness/rtp.js';

describe('media across signaling nodes', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const clients: TestClient[] = [];
  const connect = async (node: TestServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };
  const count = (c: TestClient, type: string) => c.received.filter((r) => r.type === type).length;
  /**
   * Waits until what each node sent before now has arrived: a chat message
   * from a connection on each node reaches every client after anything those
   * nodes sent it earlier.
   */
  async function settle(onA: TestClient, onB: TestClient, all: TestClient[]) {
    const mark = `settle-${Math.random()}`;
    await onA.request('sendChat', { text: `${mark}-a` });
    await onB.request('sendChat', { text: `${mark}-b` });
    for (const c of all) {
      if (c !== onA) await c.next('chatMessage', (m) => m.message.text === `${mark}-a`);
      if (c !== onB) await c.next('chatMessage', (m) => m.message.text === `${mark}-b`);
    }
  }

  beforeAll(async () => {
    redis = await startTestRedis();
    sfu = await startTestSfu(2);
    const shared = { url: redis.url, prefix: redis.prefix, heartbeatMs: 300 };
    nodeA = await startTestServer({ sfu, redis: shared });
    nodeB = await startTestServer({ sfu, redis: shared });
  });
  // Each test starts with no rooms in the SFU (the last test finds its room's worker by load).
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await waitFor(
      async () => (await sfu.sfu.call('getLoad', {})).workers.every((w) => w.rooms === 0),
      'every room closed',
    );
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await sfu?.close();
    await redis?.stop();
  });

  it('a peer consumes what a peer of the other node produces, and hears its pause once', async () => {
    const anna = await connect(nodeA);
    const annaJoin = await anna.join('across', 'Anna');
    const annaSend = await anna.request('createTransport', { direction: 'send' });
    const mic = await anna.request('produce', {
      transportId: annaSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusParameters(8001),
    });

    const boris = await connect(nodeB);
    const borisJoin = await boris.join('across', 'Boris');
    // Node B lists a producer it never saw being made.
    expect(borisJoin.peers).toMatchObject([
      { id: annaJoin.peerId, producers: [{ producerId: mic.producerId, source: 'mic' }] },
    ]);
    await boris.request('createTransport', { direction: 'recv' });
    await boris.request('ready', { rtpCapabilities: borisJoin.routerRtpCapabilities });
    expect(await boris.next('newConsumer')).toMatchObject({
      producerId: mic.producerId,
      peerId: annaJoin.peerId,
      source: 'mic',
    });

    // The other way: Anna is ready on A when Boris's camera opens through B.
    await anna.request('createTransport', { direction: 'recv' });
    await anna.request('ready', { rtpCapabilities: annaJoin.routerRtpCapabilities });
    const borisSend = await boris.request('createTransport', { direction: 'send' });
    const camera = await boris.request('produce', {
      transportId: borisSend.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8Parameters(8002),
    });
    expect(await anna.next('newConsumer')).toMatchObject({
      producerId: camera.producerId,
      peerId: borisJoin.peerId,
      source: 'camera',
    });

    await anna.request('pauseProducer', { producerId: mic.producerId });
    expect(await boris.next('producerPaused')).toEqual({
      peerId: annaJoin.peerId,
      producerId: mic.producerId,
    });
    await settle(anna, boris, [anna, boris]);
    expect(count(boris, 'producerPaused')).toBe(0);
    // The producer's owner is not told about its own pause.
    expect(count(anna, 'producerPaused')).toBe(0);
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'across' })).toMatchObject({
      producers: 2,
      consumers: 2,
    });
  });

  it('keeps the room’s media when one node’s last connection leaves, and closes it with the meeting', async () => {
    const anna = await connect(nodeA);
    await anna.join('lasting', 'Anna');
    const boris = await connect(nodeB);
    await boris.join('lasting', 'Boris');
    await boris.request('createTransport', { direction: 'recv' });

    await anna.request('leave', {});
    await boris.next('peerLeft');
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'lasting' })).toMatchObject({
      exists: true,
      peers: 1,
      transports: 1,
    });
    await boris.request('leave', {});
    await waitFor(
      async () => !(await sfu.sfu.call('inspectRoom', { roomId: 'lasting' })).exists,
      'the room closed with its meeting',
    );
  });

  it('a dead worker has each peer rebuild once, whichever node serves it', async () => {
    const anna = await connect(nodeA);
    await anna.join('rebuilt', 'Anna');
    const boris = await connect(nodeB);
    await boris.join('rebuilt', 'Boris');
    const vera = await connect(nodeB);
    await vera.join('rebuilt', 'Vera');
    await anna.request('createTransport', { direction: 'send' });
    const { epoch } = await sfu.sfu.call('listProducers', { roomId: 'rebuilt' });
    // Kill the worker that holds the room (the other one takes it over).
    const holder = (await sfu.sfu.call('getLoad', {})).workers.find((w) => w.rooms > 0);
    if (!holder) throw new Error('no worker holds the room');
    process.kill(holder.pid, 'SIGKILL');
    const resets = await Promise.all([anna, boris, vera].map((c) => c.next('mediaReset')));
    expect(resets.map((r) => r.reason)).toEqual(['workerDied', 'workerDied', 'workerDied']);
    await settle(anna, boris, [anna, boris, vera]);
    for (const c of [anna, boris, vera]) expect(count(c, 'mediaReset')).toBe(0);
    expect((await sfu.sfu.call('listProducers', { roomId: 'rebuilt' })).epoch).not.toBe(epoch);
    // Media can be built again on the new epoch.
    const transport = await boris.request('createTransport', { direction: 'send' });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
  });

  it('a room closed in the SFU under a meeting that goes on is reopened, each peer rebuilding once', async () => {
    const anna = await connect(nodeA);
    await anna.join('reopened', 'Anna');
    const boris = await connect(nodeB);
    await boris.join('reopened', 'Boris');
    await boris.request('createTransport', { direction: 'recv' });
    await sfu.sfu.call('closeRoom', { roomId: 'reopened' });
    const resets = await Promise.all([anna, boris].map((c) => c.next('mediaReset')));
    expect(resets.map((r) => r.reason)).toEqual(['roomClosed', 'roomClosed']);
    await settle(anna, boris, [anna, boris]);
    for (const c of [anna, boris]) expect(count(c, 'mediaReset')).toBe(0);
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'reopened' })).toMatchObject({
      exists: true,
      peers: 2,
    });
    const transport = await boris.request('createTransport', { direction: 'recv' });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
  });
});
