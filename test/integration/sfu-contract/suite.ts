// The SfuApi contract, written once and run against every implementation
// (in-process, through the schema-checked wrapper, and an SFU node process
// over the network): the same calls, the same answers, the same events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sfuMethodNames,
  type SfuApi,
  type SfuEvent,
  type SfuMethodName,
  type SfuRequest,
} from '../../../sfu/api/index.js';
import { waitFor } from '../../harness/sfu.js';
import { iceProbeCases } from './iceProbes.js';
import { ownershipCases } from './ownership.js';
import { pipeCases } from './pipes.js';
import { expectSfuError, opusParameters } from './support/contract.js';
import { startMediaPeer } from './support/mediaPeer.js';

/** How long the first packets may take to flow (ICE, DTLS and SRTP set up first). */
const MEDIA_FLOW_MS = 30_000;

export interface ContractTarget {
  sfu: SfuApi;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Requests are checked against the method schemas (all but the bare in-process SFU). */
  checksSchemas: boolean;
  /**
   * A second, independent SFU of the same kind (its own workers, or its own
   * node process): the other node of a room that spans two.
   */
  startPeer: () => Promise<ContractTarget>;
}

/**
 * The target, with every method name it was asked recorded (to prove
 * coverage). It watches every room it names, as signaling watches the rooms
 * it has peers in, so the room's events reach the suite.
 */
function recording(target: SfuApi, called: Set<string>): SfuApi {
  return {
    call<M extends SfuMethodName>(method: M, request: SfuRequest<M>) {
      called.add(method);
      const roomId = (request as { roomId?: unknown }).roomId;
      if (typeof roomId === 'string' && roomId !== '') target.watchRoom(roomId);
      return target.call(method, request);
    },
    onEvent: (listener) => target.onEvent(listener),
    watchRoom: (roomId) => target.watchRoom(roomId),
    unwatchRoom: (roomId) => target.unwatchRoom(roomId),
    close: () => target.close(),
  };
}

export function sfuContractSuite(start: () => Promise<ContractTarget>, options: ContractOptions) {
  describe('SfuApi contract', () => {
    let target: ContractTarget;
    let sfu: SfuApi;
    let other: ContractTarget;
    let otherSfu: SfuApi;
    const events: SfuEvent[] = [];
    const otherEvents: SfuEvent[] = [];
    const called = new Set<string>();
    const peers: { close(): void }[] = [];
    const inRoom = (list: SfuEvent[], roomId: string) =>
      list.filter((e) => 'roomId' in e && e.roomId === roomId);
    const eventsOf = (roomId: string) => inRoom(events, roomId);

    beforeAll(async () => {
      target = await start();
      sfu = recording(target.sfu, called);
      sfu.onEvent((event) => events.push(event));
      other = await options.startPeer();
      otherSfu = recording(other.sfu, called);
      otherSfu.onEvent((event) => otherEvents.push(event));
    });
    afterAll(async () => {
      for (const peer of peers) peer.close();
      await other?.close();
      await target?.close();
    });

    it('opens a room once, with the router capabilities every room shares', async () => {
      const roomId = 'contract-rooms';
      const opened = await sfu.call('openRoom', { roomId });
      expect(opened.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
        expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
      );
      expect(await sfu.call('openRoom', { roomId })).toEqual(opened);
      const shared = await sfu.call('getRtpCapabilities', {});
      expect(shared.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
        opened.rtpCapabilities.codecs?.map((c) => c.mimeType),
      );
      expect(await sfu.call('inspectRoom', { roomId })).toEqual({
        exists: true,
        epoch: expect.any(String),
        peers: 0,
        transports: 0,
        producers: 0,
        consumers: 0,
        routers: 1,
        pipeTransports: 0,
        pipedProducers: 0,
      });
      await sfu.call('closeRoom', { roomId });
      await sfu.call('closeRoom', { roomId }); // closing twice is fine
      expect((await sfu.call('inspectRoom', { roomId })).exists).toBe(false);
    });

    it('carries media from a real WebRTC peer to another and reports what happens to it', async () => {
      const roomId = 'contract-media';
      const alice = await startMediaPeer(sfu, roomId, 'alice');
      const bob = await startMediaPeer(sfu, roomId, 'bob');
      peers.push(alice, bob);
      const produced = await alice.startSending();
      const audio = await bob.consume(produced.audio);
      const video = await bob.consume(produced.video);
      // ICE and DTLS with a Node peer can take a while on a busy two-core machine.
      await waitFor(
        () => audio.bytes() > 0 && video.bytes() > 0,
        'bob receives audio and video',
        MEDIA_FLOW_MS,
      );
      expect(await sfu.call('inspectRoom', { roomId })).toEqual({
        exists: true,
        epoch: expect.any(String),
        peers: 2,
        transports: 4,
        producers: 2,
        consumers: 2,
        routers: 1,
        pipeTransports: 0,
        pipedProducers: 0,
      });

      // Who talks: the level observer and the dominant speaker name alice.
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'audioLevels' && e.levels.some((l) => l.peerId === 'alice'),
          ) &&
          eventsOf(roomId).some(
            (e) =>
              e.type === 'activeSpeaker' && e.peerId === 'alice' && e.producerId === produced.audio,
          ),
        `audio levels and the active speaker reported: ${JSON.stringify(eventsOf(roomId))}`,
      );

      const ice = await sfu.call('restartIce', {
        roomId,
        peerId: 'bob',
        transportId: bob.recvTransportId,
      });
      expect(ice.iceParameters.usernameFragment).toEqual(expect.any(String));

      // The producer pauses: its consumer is told, and says so when inspected.
      await sfu.call('pauseProducer', { roomId, peerId: 'alice', producerId: produced.video });
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'consumerPaused' && e.consumerId === video.consumerId && e.byProducer,
          ),
        'consumer paused by its producer',
      );
      expect(
        await sfu.call('inspectConsumer', { roomId, consumerId: video.consumerId }),
      ).toMatchObject({ kind: 'video', type: 'simple', paused: false, producerPaused: true });
      await sfu.call('resumeProducer', { roomId, peerId: 'alice', producerId: produced.video });
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'consumerResumed' && e.consumerId === video.consumerId,
          ),
        'consumer resumed with its producer',
      );

      // The receiver pauses its own consumer, asks for layers (a no-op on a simple stream).
      await sfu.call('pauseConsumer', { roomId, peerId: 'bob', consumerId: video.consumerId });
      expect(
        await sfu.call('inspectConsumer', { roomId, consumerId: video.consumerId }),
      ).toMatchObject({ paused: true, producerPaused: false });
      await sfu.call('setConsumerPreferredLayers', {
        roomId,
        peerId: 'bob',
        consumerId: video.consumerId,
        spatialLayer: 0,
      });
      await sfu.call('resumeConsumer', { roomId, peerId: 'bob', consumerId: video.consumerId });
      expect(
        (await sfu.call('inspectConsumer', { roomId, consumerId: video.consumerId })).paused,
      ).toBe(false);

      // Closing the audio producer closes bob's audio consumer, with the reason.
      await sfu.call('closeProducer', { roomId, peerId: 'alice', producerId: produced.audio });
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) =>
              e.type === 'consumerClosed' &&
              e.consumerId === audio.consumerId &&
              e.reason === 'producerClosed',
          ) &&
          eventsOf(roomId).some(
            (e) => e.type === 'producerClosed' && e.producerId === produced.audio,
          ),
        'producer and consumer closed reported',
      );

      // Alice leaves: bob's video consumer goes with her producer.
      await sfu.call('closePeer', { roomId, peerId: 'alice' });
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'consumerClosed' && e.consumerId === video.consumerId,
          ),
        'video consumer closed when its producer left',
      );
      expect(await sfu.call('inspectRoom', { roomId })).toEqual({
        exists: true,
        epoch: expect.any(String),
        peers: 1,
        transports: 2,
        producers: 0,
        consumers: 0,
        routers: 1,
        pipeTransports: 0,
        pipedProducers: 0,
      });
      await sfu.call('closePeer', { roomId, peerId: 'bob' });
      await sfu.call('closeRoom', { roomId });
      const load = await sfu.call('getLoad', {});
      expect(load.workers.reduce((n, w) => n + w.transports + w.consumers, 0)).toBe(0);
    }, 90_000);

    it('reports producers with their labels and lists them with the epoch and last number', async () => {
      const roomId = 'contract-producers';
      const lease = { owner: 'node-a', leaseMs: 60_000 };
      const { epoch } = await sfu.call('openRoom', { roomId, ...lease });
      expect(await sfu.call('attachPeer', { roomId, peerId: 'p', ...lease })).toEqual({
        epoch,
        adopted: false,
        transports: [],
        producers: [],
        consumers: [],
      });
      expect(await sfu.call('listProducers', { roomId })).toEqual({ epoch, seq: 0, producers: [] });
      const send = await sfu.call('createWebRtcTransport', {
        roomId,
        peerId: 'p',
        direction: 'send',
      });
      const produce = (ssrc: number, label?: string) =>
        sfu.call('produce', {
          roomId,
          peerId: 'p',
          transportId: send.id,
          kind: 'audio',
          rtpParameters: { ...opusParameters(ssrc), mid: String(ssrc) },
          ...(label ? { label } : {}),
        });
      const mic = (await produce(21, 'mic')).producerId;
      const unlabelled = (await produce(22)).producerId;
      // A peer never attached is created without an owner (SFU-only tools).
      const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
      const recv = await sfu.call('createWebRtcTransport', {
        roomId,
        peerId: 'q',
        direction: 'recv',
      });
      const consumed = await sfu.call('consume', {
        roomId,
        peerId: 'q',
        transportId: recv.id,
        producerId: mic,
        rtpCapabilities,
      });
      await sfu.call('pauseProducer', { roomId, peerId: 'p', producerId: mic });
      await sfu.call('resumeProducer', { roomId, peerId: 'p', producerId: mic });
      const listed = await sfu.call('listProducers', { roomId });
      expect(listed.epoch).toBe(epoch);
      expect(listed.producers).toEqual(
        expect.arrayContaining([
          { peerId: 'p', producerId: mic, kind: 'audio', label: 'mic', paused: false },
          { peerId: 'p', producerId: unlabelled, kind: 'audio', label: 'audio', paused: false },
        ]),
      );
      expect(listed.producers).toHaveLength(2);
      // Every event up to the listed number arrives, numbered 1, 2, 3 … in this epoch.
      await waitFor(
        () => eventsOf(roomId).some((e) => 'seq' in e && e.seq === listed.seq),
        `event ${listed.seq} of ${roomId} received`,
      );
      const numbered = eventsOf(roomId).filter((e) => 'epoch' in e && e.epoch === epoch);
      expect(numbered.map((e) => ('seq' in e ? e.seq : 0))).toEqual(
        Array.from({ length: listed.seq }, (_, i) => i + 1),
      );
      expect(numbered.map((e) => e.type)).toEqual(
        expect.arrayContaining(['producerOpened', 'producerPaused', 'producerResumed']),
      );
      expect(numbered).toContainEqual({
        type: 'producerOpened',
        roomId,
        epoch,
        seq: expect.any(Number),
        peerId: 'p',
        producerId: mic,
        kind: 'audio',
        label: 'mic',
        paused: false,
      });
      const order = numbered
        .filter((e) => 'producerId' in e && e.producerId === mic && e.type.startsWith('producer'))
        .map((e) => e.type);
      expect(order).toEqual(['producerOpened', 'producerPaused', 'producerResumed']);

      // Another owner attaching a peer adopts it, with everything it has.
      const other = { owner: 'node-b', leaseMs: 60_000 };
      expect(await sfu.call('attachPeer', { roomId, peerId: 'p', ...other })).toEqual({
        epoch,
        adopted: true,
        previousOwner: 'node-a',
        transports: [{ transportId: send.id, direction: 'send' }],
        producers: expect.arrayContaining(listed.producers),
        consumers: [],
      });
      // The consumer learns of its producer's resumption from the worker, a little later.
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'consumerResumed' && e.consumerId === consumed.consumerId,
          ),
        'consumer resumed with its producer',
      );
      expect(await sfu.call('attachPeer', { roomId, peerId: 'q', ...other })).toEqual({
        epoch,
        adopted: true,
        transports: [{ transportId: recv.id, direction: 'recv' }],
        producers: [],
        consumers: [
          {
            consumerId: consumed.consumerId,
            producerId: mic,
            kind: 'audio',
            paused: true,
            producerPaused: false,
          },
        ],
      });

      // Closing reports why: the producer, the peer, the room.
      await sfu.call('closeProducer', { roomId, peerId: 'p', producerId: unlabelled });
      await sfu.call('closePeer', { roomId, peerId: 'q' });
      await sfu.call('closeRoom', { roomId });
      await waitFor(
        () =>
          eventsOf(roomId).some(
            (e) => e.type === 'roomClosed' && e.epoch === epoch && e.reason === 'roomClosed',
          ),
        'room closed reported',
      );
      expect(eventsOf(roomId)).toContainEqual(
        expect.objectContaining({ type: 'producerClosed', producerId: unlabelled }),
      );
      expect(eventsOf(roomId)).toContainEqual(
        expect.objectContaining({ type: 'peerClosed', peerId: 'q', reason: 'peerClosed' }),
      );
      await expectSfuError(sfu.call('listProducers', { roomId }), 'ROOM_NOT_FOUND');
      await expectSfuError(
        sfu.call('attachPeer', { roomId, peerId: 'p', ...other }),
        'ROOM_NOT_FOUND',
      );
    });

    it('refuses what it cannot do with stable codes and keeps serving', async () => {
      const roomId = 'contract-errors';
      await expectSfuError(
        sfu.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' }),
        'ROOM_NOT_FOUND',
      );
      const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
      await expectSfuError(
        sfu.call('pauseProducer', { roomId, peerId: 'nobody', producerId: 'x' }),
        'PEER_NOT_FOUND',
      );
      const send = await sfu.call('createWebRtcTransport', {
        roomId,
        peerId: 'p',
        direction: 'send',
      });
      await expectSfuError(
        sfu.call('connectWebRtcTransport', {
          roomId,
          peerId: 'p',
          transportId: 'missing',
          dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
        }),
        'TRANSPORT_NOT_FOUND',
      );
      const consume = { roomId, peerId: 'p', transportId: send.id, rtpCapabilities };
      await expectSfuError(
        sfu.call('consume', { ...consume, producerId: 'x' }),
        'PRODUCER_NOT_FOUND',
      );
      await expectSfuError(
        sfu.call('resumeConsumer', { roomId, peerId: 'p', consumerId: 'x' }),
        'CONSUMER_NOT_FOUND',
      );
      await expectSfuError(
        sfu.call('inspectConsumer', { roomId, consumerId: 'x' }),
        'CONSUMER_NOT_FOUND',
      );
      const { producerId } = await sfu.call('produce', {
        roomId,
        peerId: 'p',
        transportId: send.id,
        kind: 'audio',
        rtpParameters: opusParameters(1234),
      });
      // A receiver without a common codec cannot consume.
      await expectSfuError(
        sfu.call('consume', { ...consume, producerId, rtpCapabilities: { codecs: [] } }),
        'CANNOT_CONSUME',
      );
      await expectSfuError(
        sfu.call('produce', {
          roomId,
          peerId: 'p',
          transportId: send.id,
          kind: 'audio',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/nonsense', payloadType: 100, clockRate: 8000 }],
            encodings: [{ ssrc: 1 }],
          },
        }),
        'MEDIA_REJECTED',
      );
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
        transports: 1,
        producers: 1,
      });
      // Whether a receiver can take the room at all is asked before consuming.
      expect(await sfu.call('checkRtpCapabilities', { roomId, rtpCapabilities })).toEqual({
        canReceive: true,
        missing: [],
      });
      const deaf = await sfu.call('checkRtpCapabilities', {
        roomId,
        rtpCapabilities: { codecs: [] },
      });
      expect(deaf.canReceive).toBe(false);
      expect(deaf.missing).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));
      // A closed transport takes its producer with it; closing it again is fine.
      await sfu.call('closeTransport', { roomId, peerId: 'p', transportId: send.id });
      await sfu.call('closeTransport', { roomId, peerId: 'p', transportId: send.id });
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
        transports: 0,
        producers: 0,
      });
      await sfu.call('closeRoom', { roomId });
    });

    // The bare in-process SFU trusts its caller; every other implementation checks.
    if (options.checksSchemas)
      it('refuses requests outside the schemas', async () => {
        await expectSfuError(
          sfu.call('openRoom', { roomId: '' }), // ids are 1-128 characters
          'INVALID_REQUEST',
        );
        await expectSfuError(
          sfu.call('produce', {
            roomId: 'r',
            peerId: 'p',
            transportId: 't',
            kind: 'audio',
            rtpParameters: { codecs: [] },
          }),
          'INVALID_REQUEST',
        );
        await expectSfuError(sfu.call('noSuchMethod' as never, {} as never), 'INVALID_REQUEST');
        expect((await sfu.call('getLoad', {})).workers.length).toBeGreaterThan(0);
      });

    pipeCases({
      a: () => sfu,
      b: () => otherSfu,
      eventsOfA: eventsOf,
      eventsOfB: (roomId) => inRoom(otherEvents, roomId),
      peers,
    });

    ownershipCases({ sfu: () => sfu, events, eventsOf });

    iceProbeCases({ sfu: () => sfu, peers });

    it('has covered every method of the contract', () => {
      expect(sfuMethodNames.filter((m) => !called.has(m))).toEqual([]);
    });
  });
}
