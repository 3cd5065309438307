// The in-process SFU against a real mediasoup worker, through the same
// schema-checked boundary signaling uses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const opusParameters = (ssrc: number) => ({
  mid: '0',
  codecs: [
    { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} },
  ],
  encodings: [{ ssrc }],
  rtcp: { cname: `peer-${ssrc}` },
});
const vp8Parameters = (ssrc: number) => ({
  mid: '1',
  codecs: [
    { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
  ],
  encodings: [{ ssrc }],
  rtcp: { cname: `peer-${ssrc}` },
});

async function expectSfuError(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e) => e instanceof SfuError && e.code === code);
}

describe('in-process SFU with a real mediasoup worker', () => {
  let t: TestSfu;
  beforeEach(async () => {
    t = await startTestSfu(1);
  });
  afterEach(async () => {
    await t.close();
  });

  it('join, produce, consume and leave leave nothing behind in the worker', async () => {
    const { sfu } = t;
    const roomId = 'planning';
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    expect(rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
    );

    const send = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'alice',
      direction: 'send',
    });
    expect(send.iceCandidates.length).toBeGreaterThan(0);
    expect(send.iceCandidates.every((c) => c.address === '127.0.0.1')).toBe(true);
    const audio = await sfu.call('produce', {
      roomId,
      peerId: 'alice',
      transportId: send.id,
      kind: 'audio',
      rtpParameters: opusParameters(1111),
    });
    const video = await sfu.call('produce', {
      roomId,
      peerId: 'alice',
      transportId: send.id,
      kind: 'video',
      rtpParameters: vp8Parameters(2222),
    });

    const recv = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'bob',
      direction: 'recv',
    });
    const consumers = [];
    for (const producerId of [audio.producerId, video.producerId]) {
      const consumer = await sfu.call('consume', {
        roomId,
        peerId: 'bob',
        transportId: recv.id,
        producerId,
        rtpCapabilities,
      });
      expect(consumer.producerId).toBe(producerId);
      await sfu.call('resumeConsumer', { roomId, peerId: 'bob', consumerId: consumer.consumerId });
      consumers.push(consumer);
    }
    expect(consumers.map((c) => c.kind)).toEqual(['audio', 'video']);
    expect(await sfu.call('inspectRoom', { roomId })).toEqual({
      exists: true,
      epoch: expect.any(String),
      peers: 2,
      transports: 2,
      producers: 2,
      consumers: 2,
      routers: 1,
      pipeTransports: 0,
      pipedProducers: 0,
    });

    // Alice leaves: Bob's consumers close because their producers closed.
    await sfu.call('closePeer', { roomId, peerId: 'alice' });
    await waitFor(
      () => t.events.filter((e) => e.type === 'consumerClosed' && e.peerId === 'bob').length === 2,
      'bob told about both closed consumers',
    );
    expect(t.events).toContainEqual(
      expect.objectContaining({
        type: 'consumerClosed',
        peerId: 'bob',
        producerId: video.producerId,
        reason: 'producerClosed',
      }),
    );

    await sfu.call('closePeer', { roomId, peerId: 'bob' });
    await sfu.call('closeRoom', { roomId });
    expect((await sfu.call('inspectRoom', { roomId })).exists).toBe(false);

    const [worker] = t.workers;
    const dump = await worker!.dump();
    expect(dump.routerIds).toEqual([]);
    expect(dump.webRtcServerIds).toHaveLength(1);
    const [serverId] = dump.webRtcServerIds;
    expect(serverId).toBeDefined();
  });

  it('rejects bad requests with stable codes and keeps serving', async () => {
    const { sfu } = t;
    const roomId = 'errors';
    await expectSfuError(
      sfu.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' }),
      'ROOM_NOT_FOUND',
    );
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    const recv = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'p',
      direction: 'recv',
    });
    await expectSfuError(
      sfu.call('consume', {
        roomId,
        peerId: 'p',
        transportId: recv.id,
        producerId: 'nope',
        rtpCapabilities,
      }),
      'PRODUCER_NOT_FOUND',
    );
    await expectSfuError(
      sfu.call('connectWebRtcTransport', {
        roomId,
        peerId: 'p',
        transportId: 'missing',
        dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
      }),
      'TRANSPORT_NOT_FOUND',
    );
    // Schema violation: the request never reaches the worker.
    await expectSfuError(
      sfu.call('produce', {
        roomId,
        peerId: 'p',
        transportId: recv.id,
        kind: 'audio',
        rtpParameters: { codecs: [] },
      }),
      'INVALID_REQUEST',
    );
    // Well-formed but unacceptable media: mediasoup rejects, we report it.
    await expectSfuError(
      sfu.call('produce', {
        roomId,
        peerId: 'p',
        transportId: recv.id,
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/nonsense', payloadType: 100, clockRate: 8000 }],
          encodings: [{ ssrc: 1 }],
        },
      }),
      'MEDIA_REJECTED',
    );
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
      exists: true,
      producers: 0,
      transports: 1,
    });
    await sfu.call('closeRoom', { roomId });
    expect((await t.workers[0]!.dump()).routerIds).toEqual([]);
  });

  it('replaces a worker that dies and reports the lost room', async () => {
    const { sfu } = t;
    const before = await sfu.call('openRoom', { roomId: 'doomed' });
    const [first] = t.workers;
    process.kill(first!.pid, 'SIGKILL');
    await waitFor(() => t.events.some((e) => e.type === 'workerDied'), 'worker death reported');
    // The room is rebuilt at once on the replacement under a new epoch.
    const { epoch } = await sfu.call('openRoom', { roomId: 'doomed' });
    expect(t.events).toContainEqual({
      type: 'roomMediaLost',
      roomId: 'doomed',
      epoch: before.epoch,
      seq: 1,
      reason: 'workerDied',
      nextEpoch: epoch,
    });
    expect(epoch).not.toBe(before.epoch);
    expect(t.events).toContainEqual(
      expect.objectContaining({ type: 'workerDied', pid: first!.pid, replaced: true }),
    );
    const load = await sfu.call('getLoad', {});
    expect(load.workers).toHaveLength(1);
    expect(load.workers[0]!.pid).not.toBe(first!.pid);
    expect(load.workers[0]!.rooms).toBe(1);
  });

  it('a listener reopening a room the moment it closed gets a new room', async () => {
    const { sfu } = t;
    const { epoch } = await sfu.call('openRoom', { roomId: 'again' });
    let reopened: Promise<{ epoch: string }> | undefined;
    const stop = sfu.onEvent((event) => {
      if (event.type === 'roomClosed' && event.roomId === 'again') {
        reopened = sfu.call('openRoom', { roomId: 'again' });
      }
    });
    await sfu.call('closeRoom', { roomId: 'again' });
    stop();
    expect(reopened).toBeDefined();
    expect((await reopened!).epoch).not.toBe(epoch);
    expect((await sfu.call('inspectRoom', { roomId: 'again' })).exists).toBe(true);
  });

  it('a listener reopening a room the moment its media is lost gets the rebuilt room', async () => {
    const { sfu } = t;
    await sfu.call('openRoom', { roomId: 'eager' });
    let announced: string | undefined;
    let reopened: Promise<{ epoch: string }> | undefined;
    sfu.onEvent((event) => {
      if (event.type === 'roomMediaLost' && event.roomId === 'eager') {
        announced = event.nextEpoch;
        reopened = sfu.call('openRoom', { roomId: 'eager' });
      }
    });
    process.kill(t.workers[0]!.pid, 'SIGKILL');
    await waitFor(() => reopened !== undefined, 'the lost room reported');
    expect(announced).toEqual(expect.any(String));
    expect((await reopened!).epoch).toBe(announced);
    expect((await sfu.call('listProducers', { roomId: 'eager' })).epoch).toBe(announced);
  });
});

describe('leases on a clock the test drives', () => {
  let t: TestSfu;
  let clock = 0;
  beforeEach(async () => {
    clock = 1_000_000;
    t = await startTestSfu({ now: () => clock, reapIntervalMs: 20 });
  });
  afterEach(async () => {
    await t.close();
  });
  const lease = (owner: string) => ({ owner, leaseMs: 10_000 });
  const reaped = (roomId: string, peerId: string) =>
    t.events.some(
      (e) =>
        e.type === 'peerClosed' &&
        e.roomId === roomId &&
        e.peerId === peerId &&
        e.reason === 'leaseExpired',
    );

  it('a renewed lease keeps its peers; one that runs out loses them, and then its room', async () => {
    const { sfu } = t;
    await sfu.call('openRoom', { roomId: 'r', ...lease('a') });
    await sfu.call('attachPeer', { roomId: 'r', peerId: 'pa', ...lease('a') });
    await sfu.call('attachPeer', { roomId: 'r', peerId: 'pb', ...lease('b') });
    // A peer nobody attached has no owner: nothing reaps it.
    await sfu.call('createWebRtcTransport', { roomId: 'r', peerId: 'tool', direction: 'send' });
    clock += 9_000;
    expect(await sfu.call('renewLease', lease('a'))).toEqual({ rooms: 1, peers: 1 });
    clock += 2_000; // b's lease ran out; a's runs 8 s more
    await waitFor(() => reaped('r', 'pb'), 'b’s peer reaped');
    expect(reaped('r', 'pa')).toBe(false);
    clock += 8_000; // a's too
    await waitFor(() => reaped('r', 'pa'), 'a’s peer reaped');
    // Nobody holds the room, but a peer is still in it: it stays until that one leaves.
    expect(await sfu.call('inspectRoom', { roomId: 'r' })).toMatchObject({
      exists: true,
      peers: 1,
    });
    await sfu.call('closePeer', { roomId: 'r', peerId: 'tool' });
    await waitFor(
      () => t.events.some((e) => e.type === 'roomClosed' && e.reason === 'noOwner'),
      'the room nobody holds closed',
    );
    expect((await sfu.call('inspectRoom', { roomId: 'r' })).exists).toBe(false);
    expect(await t.contents()).toEqual({ routers: 0, transports: 0 });
  });

  it('an adopted peer follows its new owner’s lease, not the old one’s', async () => {
    const { sfu } = t;
    await sfu.call('openRoom', { roomId: 'r', ...lease('a') });
    await sfu.call('openRoom', { roomId: 'r', ...lease('b') });
    await sfu.call('attachPeer', { roomId: 'r', peerId: 'p', ...lease('a') });
    await sfu.call('attachPeer', { roomId: 'r', peerId: 'witness', ...lease('a') });
    await sfu.call('createWebRtcTransport', { roomId: 'r', peerId: 'p', direction: 'recv' });
    clock += 5_000;
    expect(await sfu.call('attachPeer', { roomId: 'r', peerId: 'p', ...lease('b') })).toMatchObject(
      { adopted: true, previousOwner: 'a', transports: [{ direction: 'recv' }] },
    );
    clock += 6_000; // a's lease ran out; b's (renewed by the adoption) runs 9 s more
    await waitFor(() => reaped('r', 'witness'), 'a’s other peer reaped');
    expect(reaped('r', 'p')).toBe(false);
    expect(await sfu.call('inspectRoom', { roomId: 'r' })).toMatchObject({
      peers: 1,
      transports: 1,
    });
    clock += 10_000;
    await waitFor(() => reaped('r', 'p'), 'b’s peer reaped in its turn');
    await waitFor(
      () => t.events.some((e) => e.type === 'roomClosed' && e.reason === 'noOwner'),
      'the room closed once nobody holds it',
    );
  });

  it('attaching a peer needs an open room', async () => {
    await expectSfuError(
      t.sfu.call('attachPeer', { roomId: 'nowhere', peerId: 'p', ...lease('a') }),
      'ROOM_NOT_FOUND',
    );
  });
});
