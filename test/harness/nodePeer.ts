// A real WebRTC peer without a browser: msc-node (mediasoup-client on werift,
// a TypeScript WebRTC stack) doing ICE, DTLS and SRTP against the SFU. It
// sends synthetic Opus and VP8 RTP and counts what it receives per peer.
import { MediaStreamTrack, RtpHeader, RtpPacket, type types as mscTypes } from 'msc-node';
import type { NotificationPayload } from '../../signaling/protocol/index.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type JoinedReply, type TestClient } from './client.js';
import { AUDIO_LEVEL_URI, newDevice, OPUS_PT, VP8_PT } from './mscDevice.js';
import { waitFor } from './sfu.js';

export interface ReceivedStream {
  peerId: string;
  producerId: string;
  kind: 'audio' | 'video';
  packets: number;
  bytes: number;
  /** When the first packet came (performance.now()); 0 before it. */
  firstAt: number;
  /** When the last packet came (performance.now()); 0 before the first. */
  lastAt: number;
  /** The largest gap between two packets since the last `markGaps()`, in ms. */
  largestGapMs: number;
  /** Its consumer was closed (by the server, or by a rebuild of our media). */
  closed: boolean;
}

/** How a resume ended: the server kept our media, or we rebuilt it. */
export type ResumeOutcome = 'kept' | 'fresh';

export interface NodePeer {
  /** The signaling connection now (a resume replaces it). */
  readonly client: TestClient;
  /** The signaling node that connection goes to. */
  readonly url: string;
  /** The reply to the latest join or resume: the room as the server showed it then. */
  readonly lastJoin: JoinedReply;
  readonly peerId: string;
  /** Inbound streams by consumer id (closed ones stay, marked). */
  received: Map<string, ReceivedStream>;
  /**
   * Starts sending audio (and video) RTP at a steady pace. With `voice`, every
   * audio packet carries the ssrc-audio-level header extension the SFU's
   * speaker observers read: 'speech' is loud phrases with pauses (a steady
   * level reads as background noise to the dominant-speaker algorithm),
   * 'silence' is -127 dBov throughout.
   */
  startSending(options?: { voice?: 'speech' | 'silence' }): Promise<void>;
  /** Producer ids by source, once sending (new ones after a rebuild). */
  producerIds: Partial<Record<'mic' | 'camera', string>>;
  /** Each resume after a dropped connection, in order. */
  readonly resumes: ResumeOutcome[];
  /** Why resume attempts were refused (each was tried again). */
  readonly resumeErrors: string[];
  /** mediaReset notifications received (each made us rebuild). */
  readonly mediaResets: number;
  /** Media rebuilds finished (after `fresh` or a mediaReset). */
  readonly rebuilds: number;
  /**
   * Breaks the signaling connection as a network drop does and stays away
   * (media keeps running) until `comeBack`.
   */
  drop(): void;
  /** Reconnects to `url` and resumes there, as after a dropped connection; what the server said. */
  comeBack(url: string): Promise<ResumeOutcome>;
  /** Closes the camera producer and sends the same camera on a new one. */
  replaceCamera(): Promise<void>;
  /** Starts measuring gaps afresh (a gap running now keeps counting from its last packet). */
  markGaps(): void;
  /**
   * The largest gap between inbound packets of the open streams `from` a
   * peer since `markGaps()`, the gap running now included, in ms.
   */
  largestGap(from?: string): number;
  close(): Promise<void>;
}

export interface NodePeerOptions {
  /**
   * Signaling nodes to come back to when the connection drops, tried in turn
   * from the one after the node we were on (as a load balancer would send a
   * client elsewhere). Without it a dropped connection stays dropped.
   */
  reconnectUrls?: readonly string[];
}

function opusPacket(seq: number, ssrc: number, level?: { id: number; dBov: number }): RtpPacket {
  const header = new RtpHeader({
    payloadType: OPUS_PT,
    sequenceNumber: seq & 0xffff,
    timestamp: (seq * 960) >>> 0,
    ssrc,
    marker: true,
    // One-byte extension: V flag (voice activity) and the level in -dBov.
    ...(level
      ? {
          extension: true,
          extensions: [{ id: level.id, payload: Buffer.from([0x80 | level.dBov]) }],
        }
      : {}),
  });
  // TOC 0xF8: CELT fullband 20 ms, mono, one frame; then filler.
  return new RtpPacket(
    header,
    Buffer.from([0xf8, 0xff, 0xfe, ...new Array<number>(40).fill(0x55)]),
  );
}

function vp8KeyframePacket(seq: number, picture: number, ssrc: number): RtpPacket {
  const header = new RtpHeader({
    payloadType: VP8_PT,
    sequenceNumber: seq & 0xffff,
    timestamp: (picture * 3000) >>> 0,
    ssrc,
    marker: true,
  });
  const pictureId = picture & 0x7fff;
  const descriptor = [
    0x90, // X=1, S=1, partition 0
    0xe0, // I, L, T present
    0x80 | (pictureId >> 8), // M=1: 15-bit picture id
    pictureId & 0xff,
    picture & 0xff, // TL0PICIDX
    0x00, // TID 0
  ];
  // VP8 keyframe header: frame tag (key, shown), start code, 16x16.
  const frame = [
    0x10,
    0x02,
    0x00,
    0x9d,
    0x01,
    0x2a,
    0x10,
    0x00,
    0x10,
    0x00,
    ...new Array<number>(60).fill(0x33),
  ];
  return new RtpPacket(header, Buffer.from([...descriptor, ...frame]));
}

type RouterCapabilities = JoinedReply['routerRtpCapabilities'];

/**
 * A participant in Node that behaves as the web client does: it joins, builds
 * its media, and when its signaling connection drops (or its node, shutting
 * down, asks it to move) it reconnects (to another node if given) and
 * resumes with its resume token, asking to keep its media; it keeps
 * transports, producers and consumers when the reply says `kept`, and
 * rebuilds them on `fresh` or a `mediaReset`.
 */
export async function startNodePeer(
  url: string,
  room: string,
  displayName: string,
  options: NodePeerOptions = {},
): Promise<NodePeer> {
  let client = await connectClient(url);
  let currentUrl = url;
  let closed = false;
  const joined = await client.join(room, displayName);
  let resumeToken = joined.resumeToken;
  let lastJoin = joined;
  const received = new Map<string, ReceivedStream>();
  const producerIds: NodePeer['producerIds'] = {};
  const resumes: ResumeOutcome[] = [];
  const resumeErrors: string[] = [];
  let mediaResets = 0;
  let rebuilds = 0;
  let device = newDevice();
  let sendTransport: mscTypes.Transport | undefined;
  let recvTransport: mscTypes.Transport | undefined;
  /** The tracks we send once started: produced again on every rebuild. */
  let sending: { audio: MediaStreamTrack; video: MediaStreamTrack } | undefined;
  /** Our camera producer now (replaced by `replaceCamera`). */
  let camera: mscTypes.Producer | undefined;
  /** Dropped on purpose (`drop()`): no reconnect until `comeBack`. */
  let held = false;
  /** The ssrc-audio-level extension id our mic producer negotiated. */
  let levelId: number | undefined;

  async function makeTransport(direction: 'send' | 'recv'): Promise<mscTypes.Transport> {
    const options = await client.request('createTransport', { direction });
    const init = options as unknown as mscTypes.TransportOptions;
    const transport =
      direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    // `client` is read at each call: after a resume that kept the transport
    // its requests go over the new connection.
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        client
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as never,
            source: appData['source'] === 'camera' ? 'camera' : 'mic',
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    return transport;
  }

  async function onConsumer(n: NotificationPayload<'newConsumer'>): Promise<void> {
    const on = recvTransport;
    if (!on || received.has(n.consumerId)) return;
    const consumer = await on.consume({
      id: n.consumerId,
      producerId: n.producerId,
      kind: n.kind,
      rtpParameters: n.rtpParameters as unknown as mscTypes.RtpParameters,
    });
    const stream: ReceivedStream = {
      peerId: n.peerId,
      producerId: n.producerId,
      kind: n.kind,
      packets: 0,
      bytes: 0,
      firstAt: 0,
      lastAt: 0,
      largestGapMs: 0,
      closed: false,
    };
    received.set(n.consumerId, stream);
    (consumer.track as unknown as MediaStreamTrack).onReceiveRtp.subscribe((rtp) => {
      const now = performance.now();
      if (stream.lastAt > 0) {
        stream.largestGapMs = Math.max(stream.largestGapMs, now - stream.lastAt);
      } else {
        stream.firstAt = now;
      }
      stream.lastAt = now;
      stream.packets += 1;
      stream.bytes += rtp.payload.length;
    });
    await client.request('resumeConsumer', { consumerId: n.consumerId });
  }

  async function produceCamera(
    on: mscTypes.Transport,
    track: MediaStreamTrack,
  ): Promise<mscTypes.Producer> {
    camera = await on.produce({
      track: track as never,
      stopTracks: false,
      appData: { source: 'camera' },
    });
    return camera;
  }

  async function produceTracks(): Promise<void> {
    if (!sending || !sendTransport) return;
    const mic = await sendTransport.produce({
      track: sending.audio as never,
      // The tracks outlive a rebuild: they are produced again on new transports.
      stopTracks: false,
      appData: { source: 'mic' },
    });
    producerIds.mic = mic.id;
    producerIds.camera = (await produceCamera(sendTransport, sending.video)).id;
    levelId = mic.rtpParameters.headerExtensions?.find((e) => e.uri === AUDIO_LEVEL_URI)?.id;
  }

  /** Builds (or rebuilds) our media for this router: device, transports, ready, producers. */
  async function buildMedia(capabilities: RouterCapabilities): Promise<void> {
    sendTransport?.close();
    recvTransport?.close();
    sendTransport = recvTransport = undefined;
    for (const stream of received.values()) stream.closed = true;
    device = newDevice();
    await device.load({ routerRtpCapabilities: capabilities as mscTypes.RtpCapabilities });
    sendTransport = await makeTransport('send');
    recvTransport = await makeTransport('recv');
    await client.request('ready', { rtpCapabilities: device.rtpCapabilities as never });
    await produceTracks();
  }

  function listen(on: TestClient): void {
    on.socket.on('newConsumer', (n: NotificationPayload<'newConsumer'>) => {
      if (on === client) void onConsumer(n).catch(() => undefined);
    });
    on.socket.on('consumerClosed', (n: NotificationPayload<'consumerClosed'>) => {
      const stream = received.get(n.consumerId);
      if (stream) stream.closed = true;
    });
    on.socket.on('mediaReset', (n: NotificationPayload<'mediaReset'>) => {
      if (on !== client) return;
      mediaResets += 1;
      void buildMedia(n.routerRtpCapabilities).then(() => {
        rebuilds += 1;
      });
    });
    // A node that shuts down asks us to move: we break the connection as a
    // network drop would, and the disconnect below takes us elsewhere.
    on.socket.on('serverDraining', () => {
      if (on === client && !closed && !held) on.socket.io.engine.close();
    });
    on.socket.on('disconnect', () => {
      if (on === client && !closed && !held) void reconnect();
    });
  }

  /** After a dropped connection: another node, the resume token, our media if we may keep it. */
  async function reconnect(only?: string): Promise<void> {
    const urls = only ? [only] : options.reconnectUrls;
    if (!urls || urls.length === 0) return;
    let index = only ? -1 : Math.max(0, urls.indexOf(currentUrl));
    for (let attempt = 0; !closed; attempt += 1) {
      index = (index + 1) % urls.length;
      let next: TestClient;
      try {
        next = await connectClient(urls[index]!);
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * (attempt + 1))));
        continue;
      }
      if (closed) {
        next.close();
        return;
      }
      listen(next);
      const resume = { resumeToken, keepMedia: sendTransport !== undefined };
      let reply: JoinedReply;
      try {
        const answer = await next.request('join', {
          room,
          displayName,
          protocolVersion: PROTOCOL_VERSION,
          ...resume,
        });
        if (answer.status !== 'joined') throw new Error(`resume ended in ${answer.status}`);
        reply = answer;
      } catch (error) {
        // Refused (say, the node has not yet noticed the one that died): as a
        // client would, try again shortly; a test sees why in resumeErrors.
        resumeErrors.push(error instanceof Error ? error.message : String(error));
        next.close();
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * (attempt + 1))));
        continue;
      }
      client = next;
      currentUrl = urls[index]!;
      resumeToken = reply.resumeToken;
      lastJoin = reply;
      if (reply.resumed && reply.media === 'kept') {
        // Producers that closed while we were away: their consumerClosed
        // went to no one; the reply lists every producer left.
        const left = new Set(reply.peers.flatMap((p) => p.producers.map((x) => x.producerId)));
        for (const stream of received.values()) {
          if (stream.peerId !== joined.peerId && !left.has(stream.producerId)) stream.closed = true;
        }
        // What opened meanwhile: the server consumes it for us (and skips what we have).
        await next.request('ready', { rtpCapabilities: device.rtpCapabilities as never });
        resumes.push('kept');
      } else {
        await buildMedia(reply.routerRtpCapabilities);
        rebuilds += 1;
        resumes.push('fresh');
      }
      return;
    }
  }

  listen(client);
  await buildMedia(joined.routerRtpCapabilities);

  let timer: NodeJS.Timeout | undefined;
  return {
    get client() {
      return client;
    },
    get url() {
      return currentUrl;
    },
    get lastJoin() {
      return lastJoin;
    },
    peerId: joined.peerId,
    received,
    producerIds,
    resumes,
    resumeErrors,
    get mediaResets() {
      return mediaResets;
    },
    get rebuilds() {
      return rebuilds;
    },
    drop() {
      held = true;
      // The connection breaks (as on a network drop), not a goodbye: a
      // socket.io disconnect would tell the server we left.
      client.socket.io.engine.close();
    },
    async comeBack(to) {
      held = false;
      const before = resumes.length;
      await reconnect(to);
      const outcome = resumes[before];
      if (!outcome) throw new Error(`could not resume on ${to}: ${resumeErrors.join('; ')}`);
      return outcome;
    },
    async replaceCamera() {
      if (!camera || !sendTransport || !sending) throw new Error('not sending');
      const old = camera;
      old.close();
      await client.request('closeProducer', { producerId: old.id });
      producerIds.camera = (await produceCamera(sendTransport, sending.video)).id;
    },
    markGaps() {
      for (const stream of received.values()) stream.largestGapMs = 0;
    },
    largestGap(from) {
      const now = performance.now();
      let largest = 0;
      for (const stream of received.values()) {
        if (stream.closed || (from !== undefined && stream.peerId !== from)) continue;
        const running = stream.lastAt > 0 ? now - stream.lastAt : 0;
        largest = Math.max(largest, stream.largestGapMs, running);
      }
      return largest;
    },
    async startSending(sendOptions = {}) {
      const audio = new MediaStreamTrack({ kind: 'audio' });
      const video = new MediaStreamTrack({ kind: 'video' });
      sending = { audio, video };
      await produceTracks();
      if (sendOptions.voice && levelId === undefined) {
        throw new Error('the SFU did not negotiate the ssrc-audio-level extension');
      }
      // Speech: 700 ms phrases at -10 dBov, 300 ms pauses at room noise (-70);
      // the algorithm measures loudness above each speaker's noise floor.
      const levelAt = (n: number) => (sendOptions.voice === 'speech' && n % 50 < 35 ? 10 : 70);
      let seq = 0;
      timer = setInterval(() => {
        seq += 1;
        const level =
          sendOptions.voice && levelId !== undefined
            ? { id: levelId, dBov: sendOptions.voice === 'silence' ? 127 : levelAt(seq) }
            : undefined;
        audio.writeRtp(opusPacket(seq, 1000, level));
        if (seq % 2 === 0) video.writeRtp(vp8KeyframePacket(seq / 2, seq / 2, 2000));
      }, 20);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      sendTransport?.close();
      recvTransport?.close();
      client.close();
    },
  };
}

/**
 * How long `to` went without `from`'s media (of `kind`) across a fault at
 * `at` (performance.now()): from the last packet before it to the first
 * packet after it, on a stream opened after the fault (media rebuilt); for
 * a stream that kept flowing, its largest gap since `markGaps()` (call it
 * at the fault). Undefined until media came back.
 */
export function recoveryGapMs(
  to: NodePeer,
  from: string,
  kind: 'audio' | 'video',
  at: number,
): number | undefined {
  const streams = [...to.received.values()].filter((s) => s.peerId === from && s.kind === kind);
  const before = streams.filter((s) => s.firstAt > 0 && s.firstAt <= at);
  const lastBefore = Math.max(0, ...before.map((s) => Math.min(s.lastAt, at)));
  const rebuilt = streams.filter((s) => s.firstAt > at).map((s) => s.firstAt);
  if (rebuilt.length > 0) return Math.min(...rebuilt) - lastBefore;
  // Nothing rebuilt: a stream that kept flowing, its largest gap since `markGaps()`.
  const kept = before.filter((s) => s.lastAt > at && !s.closed);
  return kept.length > 0 ? Math.max(...kept.map((s) => s.largestGapMs)) : undefined;
}

/**
 * Resolves once the `still` count has not moved while the `flowing` count
 * advanced by `packets`: a window measured by a stream that keeps flowing,
 * not by the clock (packets already in flight have landed by then).
 */
export async function quietWhileFlowing(
  still: () => number,
  flowing: () => number,
  packets: number,
  message: string,
): Promise<void> {
  let mark = { still: still(), flowing: flowing() };
  await waitFor(
    () => {
      if (still() !== mark.still) mark = { still: still(), flowing: flowing() };
      return flowing() >= mark.flowing + packets;
    },
    message,
    20_000,
  );
}
