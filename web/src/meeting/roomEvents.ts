// Notifications that change what we know about the room: the other peers
// and their media, roles, settings, hands, the lobby queue, and what hosts
// do to us (mute, ask to unmute). Entering and leaving (join, lobby
// decisions, removal, the connection) are room.ts's business.
import type { MediaSession } from '../media/session.js';
import type { SignalingClient } from '../signaling/client.js';
import type { ReactionFeed } from '../social/reactions.js';
import {
  peerJoined,
  peerLeft,
  peerUpdated,
  producerClosed,
  producerConsumed,
  producerPausedChanged,
} from './peers.js';
import {
  aboutOthers,
  isModeratorRole,
  withSelfRole,
  type RoomState,
  type StateChange,
} from './roomState.js';
import type { Toasts } from './toasts.js';

export interface RoomEventTargets {
  signaling: SignalingClient;
  /** Applies a change now, or after the join reply if a join is in flight. */
  change(change: StateChange): void;
  current(): RoomState;
  media: MediaSession;
  toasts: Toasts;
  reactions: ReactionFeed;
}

/** Subscribes to the room's notifications; returns the unsubscribes. */
export function wireRoomEvents(targets: RoomEventTargets): (() => void)[] {
  const { signaling, change, current, media, toasts, reactions } = targets;
  return [
    signaling.on('peerJoined', ({ peer }) =>
      change(aboutOthers(peer.id, (p) => peerJoined(p, peer))),
    ),
    signaling.on('peerUpdated', ({ peer }) => {
      const self = current().self;
      if (self?.peerId === peer.id) {
        if (self.role !== peer.role && current().phase === 'joined') {
          toasts.show({ kind: 'roleChanged', role: peer.role });
        }
        change((s) => withSelfRole(s, peer.role));
      } else {
        change(aboutOthers(peer.id, (p) => peerUpdated(p, peer)));
      }
    }),
    signaling.on('peerLeft', ({ peerId }) => {
      change(aboutOthers(peerId, (p) => peerLeft(p, peerId)));
      media.removePeer(peerId);
    }),
    signaling.on('newConsumer', (n) =>
      change(
        aboutOthers(n.peerId, (p) =>
          producerConsumed(p, n.peerId, n.producerId, n.source, n.producerPaused),
        ),
      ),
    ),
    signaling.on('consumerClosed', ({ producerId }) =>
      change((s) => ({ ...s, peers: producerClosed(s.peers, producerId) })),
    ),
    // A host muting us is announced to the whole room, us included: our own
    // producers are not peers, hence aboutOthers.
    signaling.on('producerPaused', ({ peerId, producerId }) =>
      change(aboutOthers(peerId, (p) => producerPausedChanged(p, peerId, producerId, true))),
    ),
    signaling.on('producerResumed', ({ peerId, producerId }) =>
      change(aboutOthers(peerId, (p) => producerPausedChanged(p, peerId, producerId, false))),
    ),
    signaling.on('handsChanged', ({ hands }) => change((s) => ({ ...s, hands }))),
    signaling.on('lobbyChanged', ({ lobby }) => {
      const before = current();
      if (before.phase === 'joined' && isModeratorRole(before.self?.role)) {
        const known = new Set(before.lobby.map((entry) => entry.peerId));
        for (const entry of lobby) {
          if (!known.has(entry.peerId)) {
            toasts.show({ kind: 'lobbyArrived', peerId: entry.peerId, name: entry.displayName });
          }
        }
      }
      // Admitted, turned away or gone: their toast goes too.
      const waiting = new Set(lobby.map((entry) => entry.peerId));
      toasts.dismissWhere((toast) => toast.kind === 'lobbyArrived' && !waiting.has(toast.peerId));
      change((s) => (s.self && !isModeratorRole(s.self.role) ? s : { ...s, lobby }));
    }),
    signaling.on('roomSettingsChanged', ({ settings }) => {
      const { self, settings: before, phase } = current();
      if (
        phase === 'joined' &&
        !isModeratorRole(self?.role) &&
        before.chatEnabled !== settings.chatEnabled
      ) {
        toasts.show({ kind: settings.chatEnabled ? 'chatEnabled' : 'chatDisabled' });
      }
      change((s) => ({ ...s, settings }));
    }),
    signaling.on('mutedByHost', ({ source, byName }) => {
      // The server has paused it already; we follow so the button shows it.
      if (source === 'mic' || source === 'camera') media.pausedByHost(source);
      // A share the host stopped is over, not paused: give the screen back.
      else media.stopScreenShare();
      toasts.show({ kind: 'mutedByHost', source, byName });
    }),
    // Never unmutes by itself: only the person decides.
    signaling.on('unmuteRequested', ({ byName }) =>
      toasts.show({ kind: 'unmuteRequested', byName }),
    ),
    signaling.on('reaction', ({ peerId, reaction }) => reactions.show(peerId, reaction)),
  ];
}
