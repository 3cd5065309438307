// The people this node serves who wait in a lobby. They keep their room's
// shared state alive while nobody is in it yet (a guest early for a late
// host), and they wait at most LOBBY_MAX_WAIT_MS: then they are refused the
// way a host refuses them (`lobbyDecision {admitted: false}`, disconnected),
// never dropped without a word.
import type { Logger } from '../core/logger.js';
import type { LobbyWaitOutcome } from '../metrics/signalingMetrics.js';
import type { Notifier } from '../socket/notifier.js';
import type { Membership } from './membership.js';

/** The longest anybody waits in a lobby before being turned away. */
export const LOBBY_MAX_WAIT_MS = 30 * 60_000;

export interface LobbyWaitPorts {
  readonly membership: Pick<Membership, 'leaveLobby'>;
  readonly notify: Notifier;
  readonly log: Logger;
  readonly maxWaitMs: number;
  /** A wait ended after `waitedMs`: turned away at the limit (`timeout`) or otherwise. */
  readonly onEnded?: (waitedMs: number, outcome: LobbyWaitOutcome) => void;
}

export interface LobbyWaits {
  /** A connection of this node waits in a room's lobby from now (no-op if it already does). */
  started(room: string, peerId: string, socketId: string): void;
  /** It waits no more (admitted, refused, gone). */
  ended(room: string, peerId: string): void;
  /** Rooms where connections of this node wait. */
  rooms(): Iterable<string>;
  /** Who of this node waits in the room's lobby: peer id → socket id. */
  waitingIn(room: string): Map<string, string>;
  close(): void;
}

export function createLobbyWaits(ports: LobbyWaitPorts): LobbyWaits {
  const waits = new Map<
    string,
    { room: string; peerId: string; socketId: string; timer: NodeJS.Timeout; since: number }
  >();
  const key = (room: string, peerId: string) => `${room}\n${peerId}`;

  async function refuse(room: string, peerId: string, socketId: string): Promise<void> {
    const refused = await ports.membership.leaveLobby(room, peerId, (s) => s === socketId);
    if (!refused) return;
    ports.log.info({ room, peer: peerId, waitedMs: ports.maxWaitMs }, 'lobby wait timed out');
    ports.notify.toSocket(socketId, 'lobbyDecision', { admitted: false });
    ports.notify.disconnect(socketId);
  }

  return {
    started(room, peerId, socketId) {
      const k = key(room, peerId);
      if (waits.has(k)) return;
      const since = Date.now();
      const timer = setTimeout(() => {
        waits.delete(k);
        ports.onEnded?.(Date.now() - since, 'timeout');
        refuse(room, peerId, socketId).catch((error: unknown) =>
          ports.log.error({ err: error, room, peer: peerId }, 'lobby timeout failed'),
        );
      }, ports.maxWaitMs);
      timer.unref();
      waits.set(k, { room, peerId, socketId, timer, since });
    },
    ended(room, peerId) {
      const k = key(room, peerId);
      const wait = waits.get(k);
      if (!wait) return;
      clearTimeout(wait.timer);
      waits.delete(k);
      ports.onEnded?.(Date.now() - wait.since, 'ended');
    },
    *rooms() {
      for (const wait of waits.values()) yield wait.room;
    },
    waitingIn(room) {
      const waiting = new Map<string, string>();
      for (const wait of waits.values())
        if (wait.room === room) waiting.set(wait.peerId, wait.socketId);
      return waiting;
    },
    close() {
      for (const wait of waits.values()) clearTimeout(wait.timer);
      waits.clear();
    },
  };
}
