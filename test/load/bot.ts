// One load-generator bot: a meeting participant that goes the web client's
// way through signaling (socket.io join, transports, `ready`, produce and
// consume, pause/resume and preferred layers) and speaks real WebRTC to the
// SFU (werift through msc-node: ICE, DTLS, SRTP and RTCP). A publisher sends
// the pre-encoded clip (publish.ts); every bot receives as the client's grid
// does (tiles.ts) and counts what arrives (receive.ts).
import { MediaStreamTrack, type types as mscTypes } from 'msc-node';
import type { NotificationPayload } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { newDevice } from '../harness/mscDevice.js';
import type { ClipPlayer } from './media/index.js';
import { newSsrc, simulcastEncodings, startPublisher, type Publisher } from './publish.js';
import { trackInbound, type Inbound } from './receive.js';
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
  readonly inbound: ReadonlyMap<string, Inbound>;
  readonly publisher: Publisher | undefined;
  /** Requests the server refused (pause, resume, layers): a bot goes on. */
  readonly refused: number;
  close(): void;
}

type Transport = mscTypes.Transport;

export async function startBot(spec: BotSpec, shared: BotShared): Promise<Bot> {
  const startedAt = performance.now();
  const client: TestClient = await connectClient(spec.url, {
    ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
    ...(spec.auth ? { auth: spec.auth } : {}),
  });
  let closed = false;
  let refused = 0;
  const inbound = new Map<string, Inbound>();
  /** Remote participants in roster order (the page shows the first ones). */
  const roster: string[] = [];
  const pending: NotificationPayload<'newConsumer'>[] = [];
  /** The receive transport, once made (consumers announced before it wait). */
  const media: { recv?: Transport } = {};
  /** Requests about one consumer go out one at a time, in order. */
  const queues = new Map<string, Promise<unknown>>();

  function control(consumerId: string, request: () => Promise<unknown>): void {
    const next = (queues.get(consumerId) ?? Promise.resolve()).then(request).catch(() => {
      if (!closed) refused += 1;
    });
    queues.set(consumerId, next);
  }

  function applyViews(): void {
    const views = tileViews(roster, spec.tiles);
    for (const stream of inbound.values()) {
      if (stream.closed) continue;
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
    if (closed) return;
    inbound.set(n.consumerId, trackInbound(consumer, n));
    applyViews();
  }

  client.socket.on('newConsumer', (n: NotificationPayload<'newConsumer'>) => {
    void consume(n).catch(() => (refused += 1));
  });
  client.socket.on('consumerClosed', (n: NotificationPayload<'consumerClosed'>) => {
    inbound.get(n.consumerId)?.close();
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

  const joined = await client.join(spec.room, spec.displayName);
  const joinMs = performance.now() - startedAt;
  for (const peer of joined.peers) if (peer.id !== joined.peerId) roster.push(peer.id);
  const device = newDevice();
  await device.load({
    routerRtpCapabilities: joined.routerRtpCapabilities as mscTypes.RtpCapabilities,
  });

  async function makeTransport(direction: 'send' | 'recv'): Promise<Transport> {
    const reply = await client.request('createTransport', { direction });
    const init = {
      ...(reply as unknown as mscTypes.TransportOptions),
      // Straight to the SFU: the load measures the SFU, not a relay.
      iceServers: [],
      additionalSettings: shared.peerSettings,
    };
    const transport =
      direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    return transport;
  }

  media.recv = await makeTransport('recv');
  await client.request('ready', { rtpCapabilities: device.rtpCapabilities as never });
  for (const n of pending.splice(0)) void consume(n).catch(() => (refused += 1));

  let publisher: Publisher | undefined;
  let send: Transport | undefined;
  if (spec.publish) {
    send = await makeTransport('send');
    const ssrcs = { audio: newSsrc(), video: [newSsrc(), newSsrc(), newSsrc()] };
    const on = send;
    on.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      // Our own SSRCs: one for the microphone, one per simulcast layer.
      const encodings =
        kind === 'audio' ? [{ ssrc: ssrcs.audio }] : simulcastEncodings(ssrcs.video);
      client
        .request('produce', {
          transportId: on.id,
          kind,
          rtpParameters: { ...rtpParameters, encodings } as never,
          source: appData['source'] === 'camera' ? 'camera' : 'mic',
        })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    const produce = (kind: 'audio' | 'video', source: string) =>
      on.produce({
        track: new MediaStreamTrack({ kind }) as never,
        stopTracks: false,
        appData: { source },
      });
    const mic = await produce('audio', 'mic');
    const camera = await produce('video', 'camera');
    publisher = startPublisher(mic, camera, ssrcs, shared.newPlayer());
  }

  return {
    spec,
    joinMs,
    inbound,
    publisher,
    get refused() {
      return refused;
    },
    firstMediaMs() {
      const shown = [...inbound.values()].filter((s) => s.visible && s.sink.counter.firstAt > 0);
      const video = shown.filter((s) => s.kind === 'video');
      const first = Math.min(
        ...(video.length > 0 ? video : shown).map((s) => s.sink.counter.firstAt),
      );
      return Number.isFinite(first) ? first - startedAt : undefined;
    },
    close() {
      closed = true;
      for (const stream of inbound.values()) stream.close();
      client.close();
      media.recv?.close();
      send?.close();
    },
  };
}
