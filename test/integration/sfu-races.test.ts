// The in-process SFU when a close overtakes work still in flight: whatever a
// request creates after its peer, transport or room closed is closed too, and
// neither the SFU's own counts nor the worker keep anything behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfuError, type SfuApi } from '../../sfu/api/index.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';
import { opusParameters } from '../harness/rtp.js';

const isSfuError = (code: string) => (e: unknown) => e instanceof SfuError && e.code === code;

async function sender(sfu: SfuApi, roomId: string, peerId: string) {
  const transport = await sfu.call('createWebRtcTransport', { roomId, peerId, direction: 'send' });
  const { producerId } = await sfu.call('produce', {
    roomId,
    peerId,
    transportId: transport.id,
    kind: 'audio',
    rtpParameters: opusParameters(1234),
  });
  return { transportId: transport.id, producerId };
}

describe('SFU core under concurrent close', () => {
  let t: TestSfu;
  let sfu: SfuApi;
  beforeEach(async () => {
    t = await startTestSfu(1);
    sfu = t.sfu;
  });
  afterEach(async () => {
    await t.close();
  });

  it('a transport that finishes after its peer closed is closed, not orphaned', async () => {
    const roomId = 'orphan-transport';
    await sfu.call('openRoom', { roomId });
    const creating = sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'alice',
      direction: 'send',
    });
    await sfu.call('closePeer', { roomId, peerId: 'alice' });
    const outcome = await creating.then(
      () => 'done',
      (error: unknown) => error,
    );
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ peers: 0, transports: 0 });
    expect(await t.contents()).toEqual({ routers: 1, transports: 0 });
    // Its requester is told it did not happen.
    expect(outcome).toSatisfy(isSfuError('PEER_NOT_FOUND'));
  });

  it('a producer that finishes after its peer closed is not kept', async () => {
    const roomId = 'orphan-producer';
    await sfu.call('openRoom', { roomId });
    const send = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'alice',
      direction: 'send',
    });
    const producing = sfu.call('produce', {
      roomId,
      peerId: 'alice',
      transportId: send.id,
      kind: 'audio',
      rtpParameters: opusParameters(1111),
    });
    await sfu.call('closePeer', { roomId, peerId: 'alice' });
    const outcome = await producing.then(
      () => 'done',
      (error: unknown) => error,
    );
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
      peers: 0,
      transports: 0,
      producers: 0,
    });
    // Its requester is told it did not happen.
    expect(outcome).toBeInstanceOf(SfuError);
  });

  it('a consumer whose receiver closed while it was created is not kept', async () => {
    const roomId = 'orphan-consumer';
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    const { producerId } = await sender(sfu, roomId, 'alice');
    const recv = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'bob',
      direction: 'recv',
    });
    const consuming = sfu.call('consume', {
      roomId,
      peerId: 'bob',
      transportId: recv.id,
      producerId,
      rtpCapabilities,
    });
    await sfu.call('closePeer', { roomId, peerId: 'bob' });
    const outcome = await consuming.then(
      () => 'done',
      (error: unknown) => error,
    );
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
      peers: 1,
      transports: 1,
      producers: 1,
      consumers: 0,
    });
    expect(await t.contents()).toEqual({ routers: 1, transports: 1 });
    // Its requester is told it did not happen.
    expect(outcome).toBeInstanceOf(SfuError);
  });

  it('closeRoom during a pending openRoom cancels it: no room, no router', async () => {
    const roomId = 'never-opened';
    const opening = sfu.call('openRoom', { roomId });
    await sfu.call('closeRoom', { roomId });
    const outcome = await opening.then(
      () => 'done',
      (error: unknown) => error,
    );
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ exists: false });
    expect(await t.contents()).toEqual({ routers: 0, transports: 0 });
    // Its requester is told it did not happen.
    expect(outcome).toSatisfy(isSfuError('ROOM_NOT_FOUND'));
    // Opening it again later works as usual.
    await sfu.call('openRoom', { roomId });
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ exists: true });
  });

  it('closing twice is harmless: transport, peer and room', async () => {
    const roomId = 'twice';
    await sfu.call('openRoom', { roomId });
    const { transportId } = await sender(sfu, roomId, 'alice');
    await sfu.call('closeTransport', { roomId, peerId: 'alice', transportId });
    await sfu.call('closeTransport', { roomId, peerId: 'alice', transportId });
    await sfu.call('closePeer', { roomId, peerId: 'alice' });
    await sfu.call('closePeer', { roomId, peerId: 'alice' });
    await sfu.call('closeRoom', { roomId });
    await sfu.call('closeRoom', { roomId });
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ exists: false });
    expect(await t.contents()).toEqual({ routers: 0, transports: 0 });
  });

  it('closeTransport closes its streams and reports it once', async () => {
    const roomId = 'replace';
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    const { producerId } = await sender(sfu, roomId, 'alice');
    const recv = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'bob',
      direction: 'recv',
    });
    const { consumerId } = await sfu.call('consume', {
      roomId,
      peerId: 'bob',
      transportId: recv.id,
      producerId,
      rtpCapabilities,
    });
    await sfu.call('closeTransport', { roomId, peerId: 'bob', transportId: recv.id });
    await waitFor(
      () => t.events.some((e) => e.type === 'consumerClosed' && e.consumerId === consumerId),
      'consumerClosed for the replaced transport',
    );
    expect(
      t.events.filter((e) => e.type === 'transportClosed' && e.transportId === recv.id),
    ).toEqual([
      {
        type: 'transportClosed',
        epoch: expect.any(String),
        seq: expect.any(Number),
        roomId,
        peerId: 'bob',
        transportId: recv.id,
        reason: 'transportClosed',
      },
    ]);
    expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
      transports: 1,
      consumers: 0,
    });
    expect(await t.contents()).toEqual({ routers: 1, transports: 1 });
  });

  it('checks whether a receiver can take the room’s codecs', async () => {
    const roomId = 'codecs';
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    expect(await sfu.call('checkRtpCapabilities', { roomId, rtpCapabilities })).toEqual({
      canReceive: true,
      missing: [],
    });
    const h264Only = {
      codecs: [
        {
          kind: 'video' as const,
          mimeType: 'video/H264',
          clockRate: 90000,
          preferredPayloadType: 102,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
        },
        { kind: 'audio' as const, mimeType: 'audio/x-unknown', clockRate: 8000 },
      ],
      headerExtensions: [],
    };
    expect(await sfu.call('checkRtpCapabilities', { roomId, rtpCapabilities: h264Only })).toEqual({
      canReceive: false,
      missing: ['audio/opus', 'video/VP8'],
    });
  });
  it('a consumer closed with its producer while a pause or resume was on its way is named gone', async () => {
    const roomId = 'consumer-gone';
    const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
    const { producerId } = await sender(sfu, roomId, 'alice');
    const recv = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'bob',
      direction: 'recv',
    });
    const outcomes: unknown[] = [];
    for (const method of ['pauseConsumer', 'resumeConsumer'] as const) {
      const { producerId: current } =
        method === 'pauseConsumer' ? { producerId } : await sender(sfu, roomId, 'alice');
      const { consumerId } = await sfu.call('consume', {
        roomId,
        peerId: 'bob',
        transportId: recv.id,
        producerId: current,
        rtpCapabilities,
      });
      // The worker closes the consumer with its producer before it reads the pause.
      const closing = sfu.call('closeProducer', { roomId, peerId: 'alice', producerId: current });
      const changing = sfu.call(method, { roomId, peerId: 'bob', consumerId });
      await closing;
      outcomes.push(
        await changing.then(
          () => 'done',
          (error: unknown) => error,
        ),
      );
    }
    for (const outcome of outcomes) {
      expect(outcome === 'done' || isSfuError('CONSUMER_NOT_FOUND')(outcome), String(outcome)).toBe(
        true,
      );
    }
    expect(
      outcomes.some((o) => o !== 'done'),
      'the race happened',
    ).toBe(true);
  });
});
