// The contract's cases about a room that spans two SFU nodes: node A is the
// implementation under test, node B a second one of the same kind; the test
// does what signaling does (open both ends, connect each to the other, pipe a
// producer, close the other end when one says it closed). Registered by
// suite.ts.
import { expect, it } from 'vitest';
import type { PipedProducer, SfuApi, SfuEvent } from '../../../sfu/api/index.js';
import { waitFor } from '../../harness/sfu.js';
import { expectSfuError } from './support/contract.js';
import { startMediaPeer, type MediaPeer } from './support/mediaPeer.js';
import { startSimulcastSender, type SimulcastSender } from './support/simulcastSender.js';

/** ICE, DTLS and SRTP set up first, on a busy two-core machine. */
const MEDIA_FLOW_MS = 30_000;
const NODE_A = 'contract-node-a';
const NODE_B = 'contract-node-b';

export interface PipeContext {
  /** Node A: the implementation under test. */
  a(): SfuApi;
  /** Node B: a second, independent SFU of the same kind. */
  b(): SfuApi;
  eventsOfA(roomId: string): SfuEvent[];
  eventsOfB(roomId: string): SfuEvent[];
  /** Media peers and senders, closed when the suite ends. */
  readonly peers: { close(): void }[];
}

/** Both ends of the room's pipe, connected to each other, as signaling sets them up. */
async function connectNodes(a: SfuApi, b: SfuApi, roomId: string) {
  await a.call('openRoom', { roomId });
  await b.call('openRoom', { roomId });
  const [endA, endB] = await Promise.all([
    a.call('openPipe', { roomId, remoteNodeId: NODE_B }),
    b.call('openPipe', { roomId, remoteNodeId: NODE_A }),
  ]);
  expect(endA).toMatchObject({ connected: false, local: { ip: '127.0.0.1' } });
  await Promise.all([
    a.call('connectPipe', {
      roomId,
      remoteNodeId: NODE_B,
      pipeId: endA.pipeId,
      remote: endB.local,
    }),
    b.call('connectPipe', {
      roomId,
      remoteNodeId: NODE_A,
      pipeId: endB.pipeId,
      remote: endA.local,
    }),
  ]);
  return { endA, endB };
}

/** Sends a producer from one node to the other, as signaling does for a consumer there. */
async function pipe(
  from: { sfu: SfuApi; id: string },
  to: { sfu: SfuApi; id: string },
  roomId: string,
  producerId: string,
  observe?: boolean,
): Promise<PipedProducer> {
  const piped = await from.sfu.call('pipeProducer', { roomId, remoteNodeId: to.id, producerId });
  await to.sfu.call('acceptPipedProducer', {
    roomId,
    remoteNodeId: from.id,
    ...piped,
    ...(observe === undefined ? {} : { observe }),
  });
  return piped;
}

const pipeEvents = (events: SfuEvent[]) => events.filter((e) => e.type === 'pipeClosed');

export function pipeCases(ctx: PipeContext) {
  const nodes = () => ({ A: { sfu: ctx.a(), id: NODE_A }, B: { sfu: ctx.b(), id: NODE_B } });
  const media = async (sfu: SfuApi, roomId: string, peerId: string): Promise<MediaPeer> => {
    const peer = await startMediaPeer(sfu, roomId, peerId);
    ctx.peers.push(peer);
    return peer;
  };

  it('carries media both ways over one pipe between two nodes; a pause at the origin stops it there', async () => {
    const { A, B } = nodes();
    const roomId = 'contract-pipe-media';
    const { endA, endB } = await connectNodes(A.sfu, B.sfu, roomId);
    // Asked again, each end is the same one, now connected to the other.
    expect(await A.sfu.call('openPipe', { roomId, remoteNodeId: NODE_B })).toEqual({
      ...endA,
      connected: true,
      remote: { ip: endB.local.ip, port: endB.local.port },
    });
    const alice = await media(A.sfu, roomId, 'alice');
    const carol = await media(B.sfu, roomId, 'carol');
    const fromAlice = await alice.startSending();
    const fromCarol = await carol.startSending();
    const consumersBefore = (await A.sfu.call('getLoad', {})).workers[0]?.consumers ?? 0;

    const piped = await pipe(A, B, roomId, fromAlice.video);
    expect(piped.producer).toEqual({
      peerId: 'alice',
      producerId: fromAlice.video,
      kind: 'video',
      label: 'video',
      paused: false,
    });
    // Piping and accepting again changes nothing.
    expect(await pipe(A, B, roomId, fromAlice.video)).toEqual(piped);
    await pipe(A, B, roomId, fromAlice.audio);
    await pipe(B, A, roomId, fromCarol.video);
    // A pipe consumer is load on its worker like any consumer.
    expect((await A.sfu.call('getLoad', {})).workers[0]?.consumers).toBe(consumersBefore + 2);

    const atCarol = await carol.consume(fromAlice.video);
    const audioAtCarol = await carol.consume(fromAlice.audio);
    const atAlice = await alice.consume(fromCarol.video);
    await waitFor(
      () => atCarol.bytes() > 0 && audioAtCarol.bytes() > 0 && atAlice.bytes() > 0,
      'alice’s media reaches carol on B and carol’s reaches alice on A',
      MEDIA_FLOW_MS,
    );
    for (const sfu of [A.sfu, B.sfu]) {
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
        peers: 1,
        producers: 2,
        routers: 1,
        pipeTransports: 1,
      });
    }
    expect(await B.sfu.call('inspectRoom', { roomId })).toMatchObject({
      pipedProducers: 2,
      consumers: 2,
    });
    // Each producer is reported by its own node only.
    const listedAtB = (await B.sfu.call('listProducers', { roomId })).producers;
    expect(listedAtB.map((p) => p.peerId)).toEqual(['carol', 'carol']);
    expect(ctx.eventsOfB(roomId)).not.toContainEqual(
      expect.objectContaining({ type: 'producerOpened', peerId: 'alice' }),
    );

    // Paused at A, nothing of it reaches B (while the audio beside it still does).
    await A.sfu.call('pauseProducer', { roomId, peerId: 'alice', producerId: fromAlice.video });
    const audioMark = audioAtCarol.bytes();
    await waitFor(() => audioAtCarol.bytes() > audioMark + 2000, 'audio flows on after the pause');
    const videoMark = atCarol.bytes();
    const audioMark2 = audioAtCarol.bytes();
    await waitFor(() => audioAtCarol.bytes() > audioMark2 + 4000, 'audio flows on');
    expect(atCarol.bytes()).toBe(videoMark);
    // B's producer stays unpaused: the pause is the origin's, reported by A.
    expect(
      await B.sfu.call('inspectConsumer', { roomId, consumerId: atCarol.consumerId }),
    ).toMatchObject({ producerPaused: false });
    await A.sfu.call('resumeProducer', { roomId, peerId: 'alice', producerId: fromAlice.video });
    await waitFor(() => atCarol.bytes() > videoMark, 'video flows again after the resume');

    // Closing the room closes its pipes without reporting them closed.
    await A.sfu.call('closeRoom', { roomId });
    await B.sfu.call('closeRoom', { roomId });
    expect(pipeEvents([...ctx.eventsOfA(roomId), ...ctx.eventsOfB(roomId)])).toEqual([]);
  }, 120_000);

  it('switches the layers of a simulcast producer on another node, and a keyframe request reaches its sender', async () => {
    const { A, B } = nodes();
    const roomId = 'contract-pipe-simulcast';
    await connectNodes(A.sfu, B.sfu, roomId);
    const sender: SimulcastSender = await startSimulcastSender(A.sfu, roomId, 'sim');
    ctx.peers.push(sender);
    const viewer = await media(B.sfu, roomId, 'viewer');
    await pipe(A, B, roomId, sender.producerId);
    const stream = await viewer.consume(sender.producerId);
    const inspect = () => B.sfu.call('inspectConsumer', { roomId, consumerId: stream.consumerId });
    expect(await inspect()).toMatchObject({ type: 'simulcast' });
    await waitFor(
      async () => stream.bytes() > 0 && (await inspect()).currentLayers?.spatialLayer === 2,
      'the viewer on B receives the top layer',
      MEDIA_FLOW_MS,
    );

    // The lowest layer is sent only once asked for a keyframe: the switch
    // needs B's request to cross the pipe to the sender on A.
    const askedBefore = sender.keyframeRequests(0);
    await B.sfu.call('setConsumerPreferredLayers', {
      roomId,
      peerId: 'viewer',
      consumerId: stream.consumerId,
      spatialLayer: 0,
    });
    await waitFor(
      async () => (await inspect()).currentLayers?.spatialLayer === 0,
      'the viewer switched to the lowest layer',
      MEDIA_FLOW_MS,
    );
    expect(sender.keyframeRequests(0)).toBeGreaterThan(askedBefore);

    // A receiver that lost its picture asks B; the keyframe comes from A.
    const keyframes = stream.keyframes();
    const asked = sender.keyframeRequests(0);
    await stream.requestKeyframe();
    await waitFor(
      () => sender.keyframeRequests(0) > asked && stream.keyframes() > keyframes,
      'a keyframe requested on B arrives from the sender on A',
      MEDIA_FLOW_MS,
    );
    await A.sfu.call('closeRoom', { roomId });
    await B.sfu.call('closeRoom', { roomId });
  }, 120_000);

  it('closes what carries nothing any more, and says so once; a request’s closing is not echoed', async () => {
    const { A, B } = nodes();
    const roomId = 'contract-pipe-close';
    await connectNodes(A.sfu, B.sfu, roomId);
    const alice = await media(A.sfu, roomId, 'alice');
    const bob = await media(B.sfu, roomId, 'bob');
    const fromAlice = await alice.startSending();
    await pipe(A, B, roomId, fromAlice.video);
    const atBob = await bob.consume(fromAlice.video);
    await waitFor(() => atBob.bytes() > 0, 'bob on B receives alice', MEDIA_FLOW_MS);

    // Bob leaves: his consumer was the piped producer's last on B, and it
    // was all B's end carried.
    await B.sfu.call('closePeer', { roomId, peerId: 'bob' });
    await waitFor(
      () => pipeEvents(ctx.eventsOfB(roomId)).length === 2,
      'B reports the producer, then the whole pipe, closed',
    );
    expect(pipeEvents(ctx.eventsOfB(roomId))).toEqual([
      expect.objectContaining({ remoteNodeId: NODE_A, producerId: fromAlice.video }),
      expect.not.objectContaining({ producerId: expect.anything() }),
    ]);
    expect(await B.sfu.call('inspectRoom', { roomId })).toMatchObject({
      pipeTransports: 0,
      pipedProducers: 0,
    });
    // Signaling closes A's end as B said; A does not report what it was asked to close.
    await A.sfu.call('closePipe', { roomId, remoteNodeId: NODE_B, producerId: fromAlice.video });
    expect(await A.sfu.call('inspectRoom', { roomId })).toMatchObject({ pipeTransports: 1 });
    await A.sfu.call('closePipe', { roomId, remoteNodeId: NODE_B });
    expect(await A.sfu.call('inspectRoom', { roomId })).toMatchObject({ pipeTransports: 0 });

    // The other way round: the producer closes at its origin, whose end
    // reports it and then itself; B's observed copy closes when asked.
    await connectNodes(A.sfu, B.sfu, roomId);
    await pipe(A, B, roomId, fromAlice.audio, true);
    expect(await B.sfu.call('inspectRoom', { roomId })).toMatchObject({ pipedProducers: 1 });
    await A.sfu.call('closeProducer', { roomId, peerId: 'alice', producerId: fromAlice.audio });
    await waitFor(
      () => pipeEvents(ctx.eventsOfA(roomId)).length === 2,
      'A reports the producer, then the whole pipe, closed',
    );
    expect(pipeEvents(ctx.eventsOfA(roomId))).toEqual([
      expect.objectContaining({ remoteNodeId: NODE_B, producerId: fromAlice.audio }),
      expect.not.objectContaining({ producerId: expect.anything() }),
    ]);
    await B.sfu.call('closePipe', { roomId, remoteNodeId: NODE_A, producerId: fromAlice.audio });
    await B.sfu.call('closePipe', { roomId, remoteNodeId: NODE_A });
    for (const sfu of [A.sfu, B.sfu]) {
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
        pipeTransports: 0,
        pipedProducers: 0,
      });
    }
    expect(pipeEvents(ctx.eventsOfB(roomId))).toHaveLength(2);
    await A.sfu.call('closeRoom', { roomId });
    await B.sfu.call('closeRoom', { roomId });
  }, 120_000);

  it('refuses a stale or unknown pipe with stable codes; closing is idempotent', async () => {
    const { A, B } = nodes();
    const roomId = 'contract-pipe-errors';
    await expectSfuError(
      A.sfu.call('openPipe', { roomId, remoteNodeId: NODE_B }),
      'ROOM_NOT_FOUND',
    );
    await A.sfu.call('openRoom', { roomId });
    await B.sfu.call('openRoom', { roomId });
    await expectSfuError(
      A.sfu.call('pipeProducer', { roomId, remoteNodeId: NODE_B, producerId: 'nothing' }),
      'PIPE_STALE',
    );
    const endA = await A.sfu.call('openPipe', { roomId, remoteNodeId: NODE_B });
    const endB = await B.sfu.call('openPipe', { roomId, remoteNodeId: NODE_A });
    const connect = (pipeId: string, remote = endB.local) =>
      A.sfu.call('connectPipe', { roomId, remoteNodeId: NODE_B, pipeId, remote });
    await expectSfuError(connect('not-this-pipe'), 'PIPE_STALE');
    // Two connections to the same remote at once both succeed; another remote is refused.
    await Promise.all([connect(endA.pipeId), connect(endA.pipeId)]);
    await expectSfuError(
      connect(endA.pipeId, { ...endB.local, port: endB.local.port + 1 }),
      'PIPE_STALE',
    );
    await expectSfuError(
      A.sfu.call('pipeProducer', { roomId, remoteNodeId: NODE_B, producerId: 'nothing' }),
      'PRODUCER_NOT_FOUND',
    );
    const close = (producerId?: string) =>
      A.sfu.call('closePipe', {
        roomId,
        remoteNodeId: NODE_B,
        ...(producerId ? { producerId } : {}),
      });
    await close('nothing');
    await close();
    await close();
    await A.sfu.call('closePipe', { roomId: 'never-opened', remoteNodeId: NODE_B });
    // A pipe closed is gone: its id is stale, and it is made anew on request.
    await expectSfuError(connect(endA.pipeId), 'PIPE_STALE');
    const again = await A.sfu.call('openPipe', { roomId, remoteNodeId: NODE_B });
    expect(again.pipeId).not.toBe(endA.pipeId);
    await expectSfuError(
      B.sfu.call('acceptPipedProducer', {
        roomId,
        remoteNodeId: 'contract-node-c',
        producer: { peerId: 'p', producerId: 'x', kind: 'audio', label: 'mic', paused: false },
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
      }),
      'PIPE_STALE',
    );
    await A.sfu.call('closeRoom', { roomId });
    await B.sfu.call('closeRoom', { roomId });
  });

  it('lets the room’s observers on B hear an audio producer of A it observes, under its peer', async () => {
    const { A, B } = nodes();
    const roomId = 'contract-pipe-speakers';
    await connectNodes(A.sfu, B.sfu, roomId);
    const alice = await media(A.sfu, roomId, 'alice');
    const fromAlice = await alice.startSending();
    // Accepted first for consumers only, then observed as the room's home would.
    const piped = await pipe(A, B, roomId, fromAlice.audio);
    await B.sfu.call('acceptPipedProducer', {
      roomId,
      remoteNodeId: NODE_A,
      ...piped,
      observe: true,
    });
    await waitFor(
      () =>
        ctx
          .eventsOfB(roomId)
          .some((e) => e.type === 'audioLevels' && e.levels.some((l) => l.peerId === 'alice')) &&
        ctx
          .eventsOfB(roomId)
          .some(
            (e) =>
              e.type === 'activeSpeaker' &&
              e.peerId === 'alice' &&
              e.producerId === fromAlice.audio,
          ),
      'B’s observers name alice, who speaks on A',
      MEDIA_FLOW_MS,
    );
    // Observed, it stays without a consumer on B; nothing of it is listed there.
    expect(await B.sfu.call('inspectRoom', { roomId })).toMatchObject({
      peers: 0,
      producers: 0,
      pipedProducers: 1,
    });
    expect((await B.sfu.call('listProducers', { roomId })).producers).toEqual([]);
    await A.sfu.call('closeRoom', { roomId });
    await B.sfu.call('closeRoom', { roomId });
  }, 120_000);
}
