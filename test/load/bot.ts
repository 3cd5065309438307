// One load-generator bot: a meeting participant that goes the web client's
// way through signaling (socket.io join, transports, `ready`, produce and
// consume, pause/resume and preferred layers) and speaks real WebRTC to the
// SFU (werift through msc-node: ICE, DTLS, SRTP and RTCP). A publisher sends
// the pre-encoded clip (publish.ts); every bot receives as the client's grid
// does (tiles.ts) and counts what arrives (receive.ts). When the server says
// its media is gone (`mediaReset`: its SFU node failed or drained) it builds
// it again, as the client does.
import { MediaStreamTrack, type types as mscTypes } from 'msc-node';
import type { NotificationPayload } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { newDevice } from '../harness/mscDevice.js';
import type { ClipPlayer } from './media/index.js';
import {
  newSsrc,
  simulcastEncodings,
  startPublisher,
  type Publisher,
  type SendCounters,
} from './publish.js';
import { trackInbound, type Inbound } from './receive.js';
import { emptyTotals, type MediaTotals } from './summary.js';
import { tileViews, type TileOptions } from './tiles.js';

export interface BotSpec {
  /** The bot's number in the whole load (names and addresses derive from it). */
  index: number;
  url: string;
  room: string;
  displayName: string;
  publish: boolean;
  /** The local address its signaling connection comes from (one per bot on loopback). */
  localAddress?: string;
  /** The handshake auth object (a staff token), when the target needs one. */
  auth?: Record<string, string>;
  tiles: TileOptions;
}

export interface BotShared {
  /** A player of the clip for each publisher. */
  newPlayer(): ClipPlayer;
  /** Settings for every WebRTC connection of this process (one DTLS certificate for all). */
  peerSettings: Record<string, unknown>;
}

export interface Bot {
  readonly spec: BotSpec;
  /** From the start to the join reply, ms. */
  readonly joinMs: number;
  /** From the start to the first packet of a remote camera (or microphone) shown, ms. */
  firstMediaMs(): number | undefined;
  /** Open consumers' streams. */
  readonly inbound: ReadonlyMap<string, Inbound>;
  /** What closed streams received, by kind (so totals never go back). */
  readonly retired: Readonly<Record<'audio' | 'video', MediaTotals>>;
  readonly publisher: Publisher | undefined;
  /** What the publisher sent, over every rebuild. */
  readonly sent: SendCounters | undefined;
  /** Requests the server refused (pause, resume, layers): a bot goes on. */
  readonly refused: number;
  /** Media rebuilt after the server's `mediaReset`. */
  readonly rebuilds: number;
  /** The signaling connection dropped (a bot does not come back). */
  readonly disconnected: boolean;
  close(): void;
}

type Transport = mscTypes.Transport;
type Capabilities = mscTypes.RtpCapabilities;

export async function startBot(spec: BotSpec, shared: BotShared): Promise<Bot> {
  const startedAt = performance.now();
  const client: TestClient = await connectClient(spec.url, {
    ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
    ...(spec.auth ? { auth: spec.auth } : {}),
  });
  let closed = false;
  let disconnected = false;
  let refused = 0;
  let rebuilds = 0;
  /** First packets of streams shown that have closed since (video; any kind). */
  const firstOfRetired = { video: Number.POSITIVE_INFINITY, any: Number.POSITIVE_INFINITY };
  const inbound = new Map<string, Inbound>();
  const retired = { audio: emptyTotals(), video: emptyTotals() };
  /** Remote participants in roster order (the page shows the first ones). */
  const roster: string[] = [];
  /** Consumers announced before the receive transport exists. */
  const pending: NotificationPayload<'newConsumer'>[] = [];
  /** This generation's media; a rebuild starts a new one. */
  const media: { device: mscTypes.Device; recv?: Transport; send?: Transport } = {
    device: newDevice(),
  };
  let publisher: Publisher | undefined;
  const sent: SendCounters | undefined = spec.publish
    ? { packets: 0, bytes: 0, keyframeRequests: 0, retransmitted: 0 }
    : undefined;
  /** Requests about one consumer go out one at a time, in order. */
  const queues = new Map<string, Promise<unknown>>();

  function control(consumerId: string, request: () => Promise<unknown>): void {
    const next = (queues.get(consumerId) ?? Promise.resolve()).then(request).catch(() => {
      if (!closed) refused += 1;
    });
    queues.set(consumerId, next);
  }

  function retire(stream: Inbound): void {
    stream.close();
    inbound.delete(stream.consumerId);
    queues.delete(stream.consumerId);
    const t = retired[stream.kind];
    const { counter, verified, forged } = stream.sink;
    if (stream.visible && counter.firstAt > 0) {
      firstOfRetired.any = Math.min(firstOfRetired.any, counter.firstAt);
      if (stream.kind === 'video')
        firstOfRetired.video = Math.min(firstOfRetired.video, counter.firstAt);
    }
    t.packets += counter.packets;
    t.bytes += counter.bytes;
    t.expected += counter.expected;
    t.verified += verified;
    t.forged += forged;
  }

  function applyViews(): void {
    const views = tileViews(roster, spec.tiles);
    for (const stream of inbound.values()) {
      const view = views.get(stream.peerId);
      const visible = stream.kind === 'audio' || stream.source !== 'camera' || !!view?.visible;
      const layer = stream.kind === 'video' && visible ? (view?.layer ?? 2) : undefined;
      const id = stream.consumerId;
      if (layer !== undefined && layer !== stream.layer) {
        stream.layer = layer;
        control(id, () =>
          client.request('setConsumerPreferredLayers', { consumerId: id, spatialLayer: layer }),
        );
      }
      if (visible !== stream.visible) {
        stream.visible = visible;
        control(id, () =>
          client.request(visible ? 'resumeConsumer' : 'pauseConsumer', { consumerId: id }),
        );
      }
    }
  }

  async function consume(n: NotificationPayload<'newConsumer'>): Promise<void> {
    const recv = media.recv;
    if (!recv) {
      pending.push(n);
      return;
    }
    const consumer = await recv.consume({
      id: n.consumerId,
      producerId: n.producerId,
      kind: n.kind,
      rtpParameters: n.rtpParameters as unknown as mscTypes.RtpParameters,
    });
    // Closed, or a rebuild came meanwhile: this consumer is gone with its transport.
    if (closed || media.recv !== recv) return;
    inbound.set(n.consumerId, trackInbound(consumer, n));
    applyViews();
  }

  async function makeTransport(direction: 'send' | 'recv'): Promise<Transport> {
    const reply = await client.request('createTransport', { direction });
    const init = {
      ...(reply as unknown as mscTypes.TransportOptions),
      // Straight to the SFU: the load measures the SFU, not a relay.
      iceServers: [],
      additionalSettings: shared.peerSettings,
    };
    const device = media.device;
    const transport =
      direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    return transport;
  }

  async function publish(send: Transport): Promise<Publisher> {
    const ssrcs = { audio: newSsrc(), video: [newSsrc(), newSsrc(), newSsrc()] };
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      // Our own SSRCs: one for the microphone, one per simulcast layer.
      const encodings =
        kind === 'audio' ? [{ ssrc: ssrcs.audio }] : simulcastEncodings(ssrcs.video);
      client
        .request('produce', {
          transportId: send.id,
          kind,
          rtpParameters: { ...rtpParameters, encodings } as never,
          source: appData['source'] === 'camera' ? 'camera' : 'mic',
        })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    const produce = (kind: 'audio' | 'video', source: string) =>
      send.produce({
        track: new MediaStreamTrack({ kind }) as never,
        stopTracks: false,
        appData: { source },
      });
    const mic = await produce('audio', 'mic');
    const camera = await produce('video', 'camera');
    return startPublisher(mic, camera, ssrcs, shared.newPlayer(), sent);
  }

  /** Builds (or builds again) this bot's media for the room's router. */
  async function buildMedia(capabilities: Capabilities): Promise<void> {
    publisher = undefined;
    media.send?.close();
    media.recv?.close();
    media.send = media.recv = undefined;
    for (const stream of [...inbound.values()]) retire(stream);
    media.device = newDevice();
    await media.device.load({ routerRtpCapabilities: capabilities });
    media.recv = await makeTransport('recv');
    await client.request('ready', { rtpCapabilities: media.device.rtpCapabilities as never });
    for (const n of pending.splice(0)) void consume(n).catch(() => (refused += 1));
    if (spec.publish) {
      media.send = await makeTransport('send');
      publisher = await publish(media.send);
    }
  }

  client.socket.on('newConsumer', (n: NotificationPayload<'newConsumer'>) => {
    void consume(n).catch(() => (refused += 1));
  });
  client.socket.on('consumerClosed', (n: NotificationPayload<'consumerClosed'>) => {
    const stream = inbound.get(n.consumerId);
    if (stream) retire(stream);
  });
  client.socket.on('peerJoined', (n: NotificationPayload<'peerJoined'>) => {
    if (!roster.includes(n.peer.id)) roster.push(n.peer.id);
    applyViews();
  });
  client.socket.on('peerLeft', (n: NotificationPayload<'peerLeft'>) => {
    const at = roster.indexOf(n.peerId);
    if (at >= 0) roster.splice(at, 1);
    applyViews();
  });
  client.socket.on('mediaReset', (n: NotificationPayload<'mediaReset'>) => {
    void buildMedia(n.routerRtpCapabilities as Capabilities).then(
      () => (rebuilds += 1),
      () => (refused += 1),
    );
  });
  client.socket.on('disconnect', () => {
    if (!closed) disconnected = true;
  });

  const joined = await client.join(spec.room, spec.displayName);
  const joinMs = performance.now() - startedAt;
  for (const peer of joined.peers) if (peer.id !== joined.peerId) roster.push(peer.id);
  await buildMedia(joined.routerRtpCapabilities as Capabilities);

  return {
    spec,
    joinMs,
    inbound,
    retired,
    get publisher() {
      return publisher;
    },
    sent,
    get refused() {
      return refused;
    },
    get rebuilds() {
      return rebuilds;
    },
    get disconnected() {
      return disconnected;
    },
    firstMediaMs() {
      const shown = [...inbound.values()].filter((s) => s.visible && s.sink.counter.firstAt > 0);
      const at = (streams: Inbound[]) => Math.min(...streams.map((s) => s.sink.counter.firstAt));
      const video = Math.min(at(shown.filter((s) => s.kind === 'video')), firstOfRetired.video);
      const first = Number.isFinite(video) ? video : Math.min(at(shown), firstOfRetired.any);
      return Number.isFinite(first) ? first - startedAt : undefined;
    },
    close() {
      closed = true;
      for (const stream of inbound.values()) stream.close();
      client.close();
      media.recv?.close();
      media.send?.close();
    },
  };
}
