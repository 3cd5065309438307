// The media side of a meeting: a mediasoup-client Device, the two transports,
// local producers and remote consumers, behind a store the UI reads.
// start() builds everything for a router; stop() tears it down locally (the
// tracks stay), so a media reset is stop() + start(). A dropped signaling
// connection leaves it running: the server may hand it to our next connection.
import type { ResponseData } from '../../../signaling/protocol/index.js';
import { markOnce } from '../lib/marks.js';
import { createStore, type Store } from '../lib/store.js';
import type { SignalingClient } from '../signaling/client.js';
import { createConsumerSet, type RemoteTrack } from './consumers.js';
import { loadDevice } from './deviceLoader.js';
import { acquireDevice, type LocalTracks } from './localMedia.js';
import { createProducerSet, type LocalSource, type SourceState } from './producers.js';
import { createScreenShare, type ScreenState } from './screenShare.js';
import { createSpeakers, type Speakers } from './speakers.js';
import { createMutedTalkWatch } from './mutedTalk.js';
import { createSpeakingMeter, type SpeakingMeter } from './speakingMeter.js';
import {
  createTransports,
  releaseTransports,
  requestTransports,
  type OnTransportState,
  type Transports,
} from './transports.js';

export type { RemoteTrack } from './consumers.js';
export type { LocalSource, SourceState } from './producers.js';
export type { ScreenState } from './screenShare.js';
export type { SpeakerState } from './speakers.js';
export type { SpeakingState } from './speakingMeter.js';

export interface MediaState {
  readonly mic: SourceState;
  readonly camera: SourceState;
  readonly screen: ScreenState;
  /** The live camera track (it changes when the user picks another camera). */
  readonly cameraTrack: MediaStreamTrack | undefined;
  /** Device ids of the tracks in use, for the device picker. */
  readonly micDevice: string | undefined;
  readonly cameraDevice: string | undefined;
  /** Our own screen share, for a preview. */
  readonly screenTrack: MediaStreamTrack | undefined;
  /** What we receive, one entry per consumer. */
  readonly remote: readonly RemoteTrack[];
}

type RouterRtpCapabilities = Extract<
  ResponseData<'join'>,
  { status: 'joined' }
>['routerRtpCapabilities'];

export interface MediaSession {
  readonly store: Store<MediaState>;
  /** The loudest speaker, as the server hears it. */
  readonly speakers: Speakers;
  /** Who is talking right now, measured here. */
  readonly speaking: SpeakingMeter;
  setTracks(tracks: LocalTracks): void;
  start(routerRtpCapabilities: RouterRtpCapabilities): Promise<void>;
  stop(): void;
  /** True while we have transports (media runs, or is being connected). */
  live(): boolean;
  /** Something is sent or received (or about to be) over the transports of now. */
  carrying(): boolean;
  /**
   * After a resume that kept our media: closes the consumers whose producers
   * went away meanwhile (their notifications went to no one), and says
   * `ready` again on the new connection so the server consumes what opened
   * meanwhile (it skips what we already receive).
   */
  kept(goneConsumerIds: readonly string[]): Promise<void>;
  setEnabled(source: LocalSource, enabled: boolean): void;
  /** A host paused our producer of this source (mutedByHost). */
  pausedByHost(source: LocalSource): void;
  /** Closes whatever is left of a peer that went away. */
  removePeer(peerId: string): void;
  /** Switches a source to another device mid-call (the producer stays). */
  switchDevice(source: LocalSource, deviceId: string): Promise<void>;
  startScreenShare(): Promise<void>;
  stopScreenShare(): void;
  /** Participants whose camera is not on screen: the server stops sending it. */
  setOffscreen(peerIds: ReadonlySet<string>): void;
  /** The simulcast layer a consumer's tile can use (0 = smallest). */
  setPreferredLayer(consumerId: string, spatialLayer: number): void;
  /** WebRTC stats of one consumer (undefined once it is gone). */
  consumerStats(consumerId: string): Promise<RTCStatsReport | undefined>;
  /** stop(), stops the tracks and ignores the server from now on. */
  close(): void;
}

export interface MediaSessionOptions {
  signaling: SignalingClient;
  /** Producing failed (the meeting goes on receive-only for that source). */
  onError(error: unknown): void;
  /** We keep making sound while our microphone is off (see mutedTalk.ts). */
  onMutedTalk?(): void;
  /** A transport of the current media changed its connection state. */
  onTransportState?: OnTransportState;
  /**
   * The current media's path was lost and an ICE restart did not bring it
   * back in time: the caller starts the media afresh (as after mediaReset).
   */
  onStuck?: () => void;
}

export function createMediaSession({
  signaling,
  onError,
  onMutedTalk,
  onTransportState = () => undefined,
  onStuck = () => undefined,
}: MediaSessionOptions): MediaSession {
  const store = createStore<MediaState>({
    mic: 'pending',
    camera: 'pending',
    screen: 'off',
    cameraTrack: undefined,
    micDevice: undefined,
    cameraDevice: undefined,
    screenTrack: undefined,
    remote: [],
  });
  const deviceOf = (source: LocalSource) => producers.deviceId(source);
  const publish = () =>
    store.set({
      mic: producers.state('mic'),
      camera: producers.state('camera'),
      screen: screen.state(),
      cameraTrack: producers.track('camera'),
      micDevice: deviceOf('mic'),
      cameraDevice: deviceOf('camera'),
      screenTrack: screen.track(),
      remote: consumers.tracks(),
    });
  const consumers = createConsumerSet(signaling, publish);
  const producers = createProducerSet(signaling, acquireDevice, publish, onError);
  const screen = createScreenShare(signaling, publish, onError);
  const speakers = createSpeakers(signaling);
  let transports: Transports | undefined;
  /** The device of the transports now (what `ready` tells the server). */
  let device: Awaited<ReturnType<typeof loadDevice>> | undefined;
  const speaking = createSpeakingMeter({
    stats: async () =>
      transports ? Promise.all([transports.send.getStats(), transports.recv.getStats()]) : [],
    remoteOwners: () =>
      new Map(
        consumers
          .tracks()
          .filter((t) => t.source === 'mic')
          .map((t) => [t.track.id, t.peerId]),
      ),
    ownMic: () => (producers.state('mic') === 'on' ? producers.track('mic')?.id : undefined),
  });
  // Only in the meeting (media started): not on the way in or in the lobby.
  const mutedTalk = onMutedTalk
    ? createMutedTalkWatch({
        mutedMic: () =>
          transports && producers.state('mic') === 'off' ? producers.track('mic') : undefined,
        onTalk: onMutedTalk,
      })
    : undefined;
  /** Bumped by every start and stop: a start that was overtaken gives up. */
  let epoch = 0;

  const unsubscribe = [
    signaling.on('newConsumer', (n) => consumers.add(n)),
    signaling.on('consumerClosed', ({ consumerId }) => consumers.remove(consumerId)),
  ];

  function stop(): void {
    epoch += 1;
    consumers.detach();
    producers.detach();
    screen.detach();
    transports?.send.close();
    transports?.recv.close();
    transports = undefined;
    device = undefined;
  }

  return {
    store,
    speakers,
    speaking,
    setTracks: (tracks) => producers.setTracks(tracks),
    async start(routerRtpCapabilities) {
      // A start replaces the transports of the one before (its own media
      // reset, or a start overtaken by this one): the server may close them.
      const replaced = transports ? [transports.send.id, transports.recv.id] : [];
      stop();
      releaseTransports(signaling, replaced);
      markOnce('veche:media-start');
      const mine = epoch;
      // Joining is a pipeline, not a staircase: the transports are asked for
      // while the device loads, and `ready` follows as soon as it has loaded.
      // The server handles one connection's requests in order, so it has both
      // transports before `ready` makes it send newConsumer; those wait in the
      // consumer queue until the receive transport exists here.
      const options = requestTransports(signaling);
      options.catch(() => undefined); // awaited below; not unhandled meanwhile
      const loaded = await loadDevice(routerRtpCapabilities);
      markOnce('veche:device');
      if (mine !== epoch) {
        // Overtaken: the transports asked for above will never be used.
        options.then(
          ([send, recv]) => releaseTransports(signaling, [send.id, recv.id]),
          () => undefined,
        );
        return;
      }
      const ready = signaling.request('ready', { rtpCapabilities: loaded.recvRtpCapabilities });
      ready.catch(() => undefined);
      const created: Transports = createTransports(
        loaded,
        await options,
        signaling,
        onTransportState,
        // Only the transports of now: older ones are closed and replaced already.
        () => {
          if (transports === created) onStuck();
        },
      );
      if (mine !== epoch) {
        created.send.close();
        created.recv.close();
        releaseTransports(signaling, [created.send.id, created.recv.id]);
        return;
      }
      transports = created;
      device = loaded;
      markOnce('veche:transports');
      consumers.attach(created.recv);
      producers.attach(created.send, loaded);
      screen.attach(created.send);
      await ready;
      markOnce('veche:ready');
    },
    stop,
    live: () => transports !== undefined && !transports.send.closed && !transports.recv.closed,
    carrying: () => producers.busy() || consumers.busy() || screen.state() === 'on',
    async kept(goneConsumerIds) {
      for (const consumerId of goneConsumerIds) consumers.remove(consumerId);
      if (!device) return;
      await signaling.request('ready', { rtpCapabilities: device.recvRtpCapabilities });
    },
    setEnabled: (source, enabled) => producers.setEnabled(source, enabled),
    pausedByHost: (source) => producers.pausedByHost(source),
    removePeer(peerId) {
      consumers.removePeer(peerId);
      speakers.removePeer(peerId);
    },
    async switchDevice(source, deviceId) {
      if (deviceOf(source) === deviceId) return;
      try {
        await producers.switchDevice(source, deviceId);
      } catch (error) {
        onError(error);
      }
    },
    startScreenShare: () => screen.start(),
    stopScreenShare: () => screen.stop(),
    setOffscreen: (peerIds) => consumers.setOffscreen(peerIds),
    setPreferredLayer: (consumerId, layer) => consumers.setPreferredLayer(consumerId, layer),
    consumerStats: (consumerId) => consumers.stats(consumerId),
    close() {
      for (const off of unsubscribe) off();
      speakers.close();
      speaking.close();
      mutedTalk?.close();
      stop();
      screen.stop();
      producers.release();
      publish();
    },
  };
}
