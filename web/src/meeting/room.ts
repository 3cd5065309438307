// One visit to a room: joins over signaling (straight in, or through the
// lobby), runs the media session, rebuilds media after a media reset (and
// follows whether they flow: mediaLink.ts), rejoins after the connection
// comes back, and ends when we leave, are turned away or removed. What notifications say about the room is wired in
// roomEvents.ts; chat, reactions and toasts keep their own stores.
import type {
  RequestPayload,
  RequestType,
  ResponseData,
} from '../../../signaling/protocol/index.js';
import { PROTOCOL_VERSION } from '../../../signaling/protocol/limits.js';
import { createChat, type Chat } from '../chat/chatStore.js';
import { createStore, type Store } from '../lib/store.js';
import { acquireLocalTracks, stopTracks, type LocalTracks } from '../media/localMedia.js';
import { createMediaSession, type LocalSource, type MediaSession } from '../media/session.js';
import { connectSignaling, SignalingError, type SignalingClient } from '../signaling/client.js';
import { createReactionFeed, type ReactionFeed } from '../social/reactions.js';
import { gaveUp, newTransports, started, transportState, type MediaLink } from './mediaLink.js';
import { withoutProducers } from './peers.js';
import { mediaAfterJoin, resumeFields, staleConsumers } from './resume.js';
import { wireRoomEvents } from './roomEvents.js';
import {
  fromJoined,
  initialRoomState,
  type JoinedReply,
  type Notice,
  type RoomState,
  type StateChange,
} from './roomState.js';
import { createToasts, type Toasts } from './toasts.js';

export type { Notice, Phase, RoomState } from './roomState.js';

export interface RoomSession {
  readonly room: string;
  readonly store: Store<RoomState>;
  readonly media: MediaSession;
  readonly chat: Chat;
  readonly reactions: ReactionFeed;
  readonly toasts: Toasts;
  /**
   * Resolves once in the room or in its lobby; rejects with a SignalingError
   * (the session is closed then).
   */
  join(passcode?: string): Promise<'joined' | 'lobby'>;
  setEnabled(source: LocalSource, enabled: boolean): void;
  /** A request on the user's behalf; a refusal shows as a toast (and resolves undefined). */
  perform<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
  ): Promise<ResponseData<T> | undefined>;
  dismissNotice(notice: Notice): void;
  /** Tells the server, then closes everything. */
  leave(): Promise<void>;
  close(): void;
}

export interface RoomSessionOptions {
  room: string;
  /** What we ask to be called; the server may decide otherwise (staff, named invites). */
  displayName: string;
  connect?: () => SignalingClient;
  acquireTracks?: () => Promise<LocalTracks>;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const asSignalingError = (error: unknown): SignalingError =>
  error instanceof SignalingError ? error : new SignalingError('INTERNAL', messageOf(error));

function noticeFor(tracks: LocalTracks): Notice | undefined {
  const camera = tracks.camera ?? tracks.cameraOff;
  if (!tracks.mic && !camera) return { key: 'noDevices' };
  if (!camera) return { key: 'noCamera' };
  if (!tracks.mic) return { key: 'noMic' };
  return undefined;
}

export function createRoomSession({
  room,
  displayName,
  connect = connectSignaling,
  acquireTracks = acquireLocalTracks,
}: RoomSessionOptions): RoomSession {
  const store = createStore<RoomState>(initialRoomState);
  const update = (patch: Partial<RoomState>) => store.set((s) => ({ ...s, ...patch }));
  const addNotice = (notice: Notice) =>
    store.set((s) => ({ ...s, notices: [...s.notices, notice] }));
  const link = (change: (link: MediaLink) => MediaLink) =>
    store.set((s) => {
      const mediaLink = change(s.mediaLink);
      return mediaLink === s.mediaLink ? s : { ...s, mediaLink };
    });
  /** Sending failed: its notice says so, the media notice stops waiting. */
  const mediaFailed = (error: unknown) => {
    link(gaveUp);
    addNotice({ key: 'mediaFailed', message: messageOf(error) });
  };

  const signaling = connect();
  const toasts = createToasts();
  const media = createMediaSession({
    signaling,
    onError: mediaFailed,
    onMutedTalk: () => toasts.show({ kind: 'talkingWhileMuted' }),
    onTransportState: (direction, state) => link((l) => transportState(l, direction, state)),
    // The path stayed lost after an ICE restart: media start afresh, as after mediaReset.
    onStuck: () => {
      if (routerCapabilities && !closed && store.get().phase === 'joined') {
        void startMedia(routerCapabilities, true);
      }
    },
  });
  const chat = createChat(signaling);
  const reactions = createReactionFeed();
  let closed = false;
  let passcode: string | undefined;
  /** The connection dropped while we waited in the lobby: ask again when back. */
  let lostInLobby = false;

  // Notifications that arrive while a join is in flight are replayed on top
  // of the join reply, which may be older or newer than each of them.
  let buffered: StateChange[] | undefined;
  function change(next: StateChange): void {
    if (buffered) buffered.push(next);
    else store.set(next);
  }

  /**
   * When the user asked to join, or was admitted from the lobby: the server
   * is told once how long it took until media were ready (reportJoinTiming).
   */
  let joinAskedAt: number | undefined;
  function reportJoinTiming(): void {
    if (joinAskedAt === undefined) return;
    const joinToMediaMs = Math.round(performance.now() - joinAskedAt);
    joinAskedAt = undefined;
    if (joinToMediaMs > 10 * 60_000) return;
    // A figure for the operators only: a server that does not know the
    // request refuses it, and nothing here depends on the answer.
    signaling.request('reportJoinTiming', { joinToMediaMs }).catch(() => undefined);
  }

  /** Bumped by every start: only the latest one's outcome counts. */
  let starts = 0;
  /** The router of the media started last (a rebuild after a lost path uses it again). */
  let routerCapabilities: JoinedReply['routerRtpCapabilities'] | undefined;
  /** `rebuild`: media ran before (a media reset, or a rejoin that lost them). */
  async function startMedia(
    routerRtpCapabilities: JoinedReply['routerRtpCapabilities'],
    rebuild: boolean,
  ) {
    const mine = (starts += 1);
    routerCapabilities = routerRtpCapabilities;
    link(() => newTransports(rebuild));
    try {
      await media.start(routerRtpCapabilities);
      if (mine === starts) link((l) => started(l, media.carrying()));
      if (mine === starts && !rebuild) reportJoinTiming();
    } catch (error) {
      if (mine !== starts) return;
      if (!closed && store.get().phase === 'joined') mediaFailed(error);
      // Also when signaling dropped meanwhile: a resume may keep what was built.
      else link(gaveUp);
    }
  }

  /** Memory only: proves on reconnect that we are the peer who dropped. */
  let resumeToken: string | undefined;

  async function enter(): Promise<'joined' | 'lobby'> {
    const changes: StateChange[] = [];
    buffered = changes;
    const speakerMark = media.speakers.mark();
    // Decided before asking: what the reply's `media` answers is this.
    const mediaLive = media.live();
    let reply: ResponseData<'join'>;
    try {
      reply = await signaling.request('join', {
        room,
        displayName,
        protocolVersion: PROTOCOL_VERSION,
        ...(passcode ? { passcode } : {}),
        // After a dropped connection this reclaims our place (role, hand)
        // and, if we still have it, our media.
        ...resumeFields(resumeToken, mediaLive),
      });
    } finally {
      buffered = undefined;
    }
    if (closed) return reply.status;
    if (reply.status === 'lobby') {
      update({ phase: 'lobby' });
      return 'lobby';
    }
    const joined = reply;
    resumeToken = joined.resumeToken;
    store.set((s) => changes.reduce((state, next) => next(state), fromJoined(s, joined)));
    media.speakers.seed(joined.activeSpeaker, speakerMark);
    chat.setHistory(joined.chat);
    const next = mediaAfterJoin(joined, mediaLive);
    if (next === 'keep') {
      // Nothing to rebuild, nothing flickers: only what left while we were away goes.
      media.kept(staleConsumers(media.store.get().remote, joined.peers)).catch((error: unknown) => {
        if (!closed) mediaFailed(error);
      });
    } else {
      void startMedia(joined.routerRtpCapabilities, next === 'rebuild');
    }
    return 'joined';
  }

  function fail(error: SignalingError): void {
    if (closed) return;
    update({ phase: 'failed', error });
    close();
  }

  const rejoin = () => void enter().catch((error: unknown) => fail(asSignalingError(error)));

  const unsubscribe = [
    ...wireRoomEvents({
      signaling,
      change,
      current: () => store.get(),
      media,
      toasts,
      reactions,
    }),
    signaling.on('mediaReset', ({ routerRtpCapabilities }) => {
      change((s) => ({ ...s, peers: withoutProducers(s.peers) }));
      if (store.get().phase === 'joined') void startMedia(routerRtpCapabilities, true);
    }),
    signaling.on('lobbyDecision', ({ admitted }) => {
      if (store.get().phase !== 'lobby') return;
      if (admitted) {
        // Admitted: the same connection asks again and gets in.
        joinAskedAt = performance.now();
        rejoin();
      } else {
        update({ phase: 'denied' });
        close();
      }
    }),
    signaling.on('removed', ({ reason }) => {
      if (closed) return;
      update({ phase: 'removed', removedReason: reason });
      close();
    }),
    signaling.onConnection((event) => {
      const { phase } = store.get();
      if (event.type === 'refused') {
        // E.g. the token expired before a reconnect could use it.
        if (phase !== 'idle') fail(event.error);
      } else if (event.type === 'disconnect') {
        if (phase === 'joined') {
          // Our media runs to the SFU, not through this connection: it stays
          // up until the join after the reconnect says whether it was kept.
          if (event.willReconnect) update({ phase: 'reconnecting' });
          else fail(new SignalingError('INTERNAL', `disconnected (${event.reason})`));
        } else if (phase === 'lobby') {
          if (event.willReconnect) lostInLobby = true;
          else fail(new SignalingError('INTERNAL', `disconnected (${event.reason})`));
        }
      } else if (phase === 'reconnecting' || (phase === 'lobby' && lostInLobby)) {
        lostInLobby = false;
        rejoin();
      }
    }),
  ];

  function close(): void {
    if (closed) return;
    closed = true;
    for (const off of unsubscribe) off();
    media.close();
    chat.close();
    reactions.close();
    toasts.close();
    signaling.close();
  }

  return {
    room,
    store,
    media,
    chat,
    reactions,
    toasts,
    async join(code) {
      passcode = code;
      joinAskedAt = performance.now();
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
        return await enter();
      } catch (error) {
        close();
        throw asSignalingError(error);
      }
    },
    setEnabled(source, enabled) {
      media.setEnabled(source, enabled);
      if (source === 'mic' && enabled) {
        toasts.dismissWhere((t) => t.kind === 'unmuteRequested' || t.kind === 'talkingWhileMuted');
      }
    },
    async perform(type, payload) {
      try {
        return await signaling.request(type, payload);
      } catch (error) {
        if (!closed) toasts.show({ kind: 'actionFailed', error: asSignalingError(error) });
        return undefined;
      }
    },
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
