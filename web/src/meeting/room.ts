// One visit to a room: joins over signaling, keeps the participant list up to
// date from notifications, runs the media session, rebuilds media after a
// media reset and rejoins after the connection comes back.
import {
  PROTOCOL_VERSION,
  type MediaSource,
  type ResponseData,
} from '../../../signaling/protocol/index.js';
import { acquireLocalTracks, stopTracks, type LocalTracks } from '../media/localMedia.js';
import { createMediaSession, type MediaSession } from '../media/session.js';
import { createStore, type Store } from '../lib/store.js';
import { connectSignaling, SignalingError, type SignalingClient } from '../signaling/client.js';
import {
  peerJoined,
  peerLeft,
  peersFromJoin,
  producerClosed,
  producerConsumed,
  producerPausedChanged,
  withoutProducers,
  type Peers,
} from './peers.js';

export type Phase = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export type Notice =
  | { readonly key: 'noDevices' | 'noCamera' | 'noMic' }
  | { readonly key: 'mediaFailed'; readonly message: string };

export interface RoomState {
  readonly phase: Phase;
  readonly peers: Peers;
  /** Ours, once the devices answered. */
  readonly localTracks: LocalTracks | undefined;
  readonly notices: readonly Notice[];
  /** Why the phase is 'failed'. */
  readonly error: SignalingError | undefined;
}

export interface RoomSession {
  readonly room: string;
  readonly displayName: string;
  readonly store: Store<RoomState>;
  readonly media: MediaSession;
  /** Resolves once in the room; rejects with a SignalingError (the session is closed then). */
  join(): Promise<void>;
  setEnabled(source: MediaSource, enabled: boolean): void;
  dismissNotice(notice: Notice): void;
  /** Tells the server, then closes everything. */
  leave(): Promise<void>;
  close(): void;
}

export interface RoomSessionOptions {
  room: string;
  displayName: string;
  connect?: () => SignalingClient;
  acquireTracks?: () => Promise<LocalTracks>;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

function noticeFor(tracks: LocalTracks): Notice | undefined {
  if (!tracks.mic && !tracks.camera) return { key: 'noDevices' };
  if (!tracks.camera) return { key: 'noCamera' };
  if (!tracks.mic) return { key: 'noMic' };
  return undefined;
}

export function createRoomSession({
  room,
  displayName,
  connect = connectSignaling,
  acquireTracks = acquireLocalTracks,
}: RoomSessionOptions): RoomSession {
  const store = createStore<RoomState>({
    phase: 'idle',
    peers: new Map(),
    localTracks: undefined,
    notices: [],
    error: undefined,
  });
  const update = (patch: Partial<RoomState>) => store.set((s) => ({ ...s, ...patch }));
  const addNotice = (notice: Notice) =>
    store.set((s) => ({ ...s, notices: [...s.notices, notice] }));

  const signaling = connect();
  const media = createMediaSession({
    signaling,
    onError: (error) => addNotice({ key: 'mediaFailed', message: messageOf(error) }),
  });
  let closed = false;

  // Peer notifications that arrive while a join is in flight are replayed on
  // top of the join reply, which may be older or newer than each of them.
  let buffered: ((peers: Peers) => Peers)[] | undefined;
  function updatePeers(change: (peers: Peers) => Peers): void {
    if (buffered) buffered.push(change);
    else store.set((s) => ({ ...s, peers: change(s.peers) }));
  }

  async function startMedia(routerRtpCapabilities: Parameters<MediaSession['start']>[0]) {
    try {
      await media.start(routerRtpCapabilities);
    } catch (error) {
      if (!closed && store.get().phase === 'joined') {
        addNotice({ key: 'mediaFailed', message: messageOf(error) });
      }
    }
  }

  async function enter(): Promise<void> {
    const changes: ((peers: Peers) => Peers)[] = [];
    buffered = changes;
    let reply: ResponseData<'join'>;
    try {
      reply = await signaling.request('join', {
        room,
        displayName,
        protocolVersion: PROTOCOL_VERSION,
      });
    } finally {
      buffered = undefined;
    }
    const peers = changes.reduce((p, change) => change(p), peersFromJoin(reply.peers));
    update({ phase: 'joined', peers });
    void startMedia(reply.routerRtpCapabilities);
  }

  function fail(error: SignalingError): void {
    if (closed) return;
    update({ phase: 'failed', error });
    close();
  }

  const unsubscribe = [
    signaling.on('peerJoined', ({ peer }) => updatePeers((p) => peerJoined(p, peer))),
    signaling.on('peerLeft', ({ peerId }) => {
      updatePeers((p) => peerLeft(p, peerId));
      media.removePeer(peerId);
    }),
    signaling.on('newConsumer', (n) =>
      updatePeers((p) => producerConsumed(p, n.peerId, n.producerId, n.source, n.producerPaused)),
    ),
    signaling.on('consumerClosed', ({ producerId }) =>
      updatePeers((p) => producerClosed(p, producerId)),
    ),
    signaling.on('producerPaused', ({ peerId, producerId }) =>
      updatePeers((p) => producerPausedChanged(p, peerId, producerId, true)),
    ),
    signaling.on('producerResumed', ({ peerId, producerId }) =>
      updatePeers((p) => producerPausedChanged(p, peerId, producerId, false)),
    ),
    signaling.on('mediaReset', ({ routerRtpCapabilities }) => {
      updatePeers(withoutProducers);
      if (store.get().phase === 'joined') void startMedia(routerRtpCapabilities);
    }),
    signaling.onConnection((event) => {
      const { phase } = store.get();
      if (event.type === 'disconnect' && phase === 'joined') {
        // The server has let us go; whatever media we had is dead.
        media.stop();
        if (event.willReconnect) update({ phase: 'reconnecting' });
        else fail(new SignalingError('INTERNAL', `disconnected (${event.reason})`));
      } else if (event.type === 'connect' && phase === 'reconnecting') {
        enter().catch((error: unknown) => {
          fail(
            error instanceof SignalingError ? error : new SignalingError('INTERNAL', String(error)),
          );
        });
      }
    }),
  ];

  function close(): void {
    if (closed) return;
    closed = true;
    for (const off of unsubscribe) off();
    media.close();
    signaling.close();
  }

  return {
    room,
    displayName,
    store,
    media,
    async join() {
      update({ phase: 'joining' });
      void acquireTracks()
        .catch((): LocalTracks => ({ mic: undefined, camera: undefined }))
        .then((tracks) => {
          if (closed) return stopTracks(tracks);
          media.setTracks(tracks);
          update({ localTracks: tracks });
          const notice = noticeFor(tracks);
          if (notice) addNotice(notice);
        });
      try {
        await enter();
      } catch (error) {
        close();
        throw error instanceof SignalingError
          ? error
          : new SignalingError('INTERNAL', String(error));
      }
    },
    setEnabled: (source, enabled) => media.setEnabled(source, enabled),
    dismissNotice: (notice) =>
      store.set((s) => ({ ...s, notices: s.notices.filter((n) => n !== notice) })),
    async leave() {
      if (closed) return;
      update({ phase: 'left' });
      media.close();
      try {
        await signaling.request('leave', {}, 3000);
      } catch {
        // Disconnecting below makes the server let us go anyway.
      }
      close();
    },
    close,
  };
}
