// Turns the SFU's room events (through the media view) into this node's
// registry updates and notifications to this node's own connections. Every
// node watching a room gets its events, so each one tells only its own
// sockets: nothing here goes to the whole room over the adapter.
import type { SfuApi, SfuEvent } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { NotificationPayload, NotificationType } from '../protocol/index.js';
import type { Notifier } from '../socket/notifier.js';
import { fanOut, type FanOutPorts } from './fanOut.js';
import { withoutOldMedia } from './freshPeer.js';
import type { MediaChange, MediaView } from './mediaView.js';
import { resetMedia, type PeerState, type RoomRegistry } from './registry.js';
import type { RoomStateStore } from './stateStore.js';

type RoomEvent = Extract<SfuEvent, { epoch: string }>;

/**
 * How long a rebuild after reaped peers waits for the rest of the SFU's
 * burst (the reaper closes an unheld room right after its peers).
 */
const BURST_MS = 200;
/**
 * A rebuild that failed (say, Redis lost the registry and no SFU node is
 * listed until the nodes register again) is tried again this much later,
 * for as long as this node has peers in the room.
 */
const RETRY_MS = 1000;

export interface SfuEventPorts extends FanOutPorts {
  readonly sfu: SfuApi;
  readonly rooms: RoomRegistry;
  readonly media: MediaView;
  readonly store: RoomStateStore;
  readonly notify: Notifier;
  readonly log: Logger;
  /** This node: the owner of the rooms and peers it opens in the SFU. */
  readonly node: string;
  readonly leaseMs: number;
}

export interface SfuEventFollower {
  onEvent(event: RoomEvent): void;
  onChange(change: MediaChange): void;
  /** Node-wide events (and room events the view ignores). */
  onNodeEvent(event: SfuEvent): void;
}

/**
 * Why a peer's media may be gone under a connected participant: our lease ran
 * out, its SFU node lost its part of the room, or that node migrated it away.
 */
const MEDIA_GONE: ReadonlySet<string> = new Set(['leaseExpired', 'workerDied', 'migrated']);

const localPeers = (ports: SfuEventPorts, room: string): PeerState[] => [
  ...(ports.rooms.room(room)?.peers.values() ?? []),
];

function toLocal<T extends NotificationType>(
  ports: SfuEventPorts,
  room: string,
  type: T,
  payload: NotificationPayload<T>,
  exceptPeer?: string,
): void {
  for (const peer of localPeers(ports, room)) {
    if (peer.id !== exceptPeer) ports.notify.toSocket(peer.socketId, type, payload);
  }
}

/**
 * Keeps the room's active speaker in the shared state for newcomers. The SFU
 * names a speaker only when it changes, and an unchanged state is not written.
 */
async function rememberActiveSpeaker(ports: SfuEventPorts, room: string, peerId: string) {
  try {
    await ports.store.update(room, (state) => {
      // Someone who left meanwhile must not come back as the speaker.
      if (state?.members[peerId]) state.activeSpeaker = peerId;
      return { next: state, result: undefined };
    });
  } catch (error) {
    ports.log.warn({ err: error, room }, 'active speaker not remembered');
  }
}

export function createSfuEventFollower(ports: SfuEventPorts): SfuEventFollower {
  /** Rooms whose media is being rebuilt for this node's peers: one rebuild at a time. */
  const rebuilding = new Map<string, { again: boolean; reason: string }>();
  /** Rebuilds that wait for the rest of a burst of events (see peerClosed). */
  const deferred = new Map<string, NodeJS.Timeout>();

  /**
   * Opens the room again (the same one if the SFU still has it) and tells
   * each local peer whose media is gone — its media lived in another epoch,
   * or was reaped — to rebuild (`mediaReset`), once.
   */
  async function rebuildOnce(room: string, reason: string): Promise<void> {
    const { rtpCapabilities, epoch } = await ports.sfu.call('openRoom', {
      roomId: room,
      owner: ports.node,
      leaseMs: ports.leaseMs,
    });
    ports.media.track(room);
    // A peer that joined the reopened room meanwhile is not affected.
    const affected = localPeers(ports, room).filter((p) => p.epoch !== epoch);
    for (const peer of affected) {
      // Its old media may still be there (a room that moved onto the node
      // carrying them): they go first.
      await withoutOldMedia(ports.sfu, {
        roomId: room,
        peerId: peer.id,
        owner: ports.node,
        leaseMs: ports.leaseMs,
      });
      resetMedia(peer);
      peer.epoch = epoch;
      ports.notify.toSocket(peer.socketId, 'mediaReset', {
        reason,
        routerRtpCapabilities: rtpCapabilities,
      });
    }
    if (affected.length > 0)
      ports.log.warn({ room, reason, peers: affected.length }, 'room media lost; peers rebuild');
  }

  /**
   * The room's media is gone for (some of) this node's peers: a worker died,
   * the SFU node restarted, the room or the peers were closed under a meeting
   * that goes on. Requests during a rebuild run it once more afterwards (it
   * touches only peers still affected).
   */
  async function resetRoom(room: string, reason: string): Promise<void> {
    clearTimeout(deferred.get(room));
    deferred.delete(room);
    const running = rebuilding.get(room);
    if (running) {
      running.again = true;
      running.reason = reason;
      return;
    }
    if (localPeers(ports, room).length === 0) return;
    const state = { again: false, reason };
    rebuilding.set(room, state);
    let failed = false;
    try {
      do {
        state.again = false;
        await rebuildOnce(room, state.reason);
      } while (state.again);
    } catch (error) {
      ports.log.error({ err: error, room }, 'could not reopen room media; trying again');
      failed = true;
    } finally {
      rebuilding.delete(room);
    }
    // Its peers would otherwise keep media that is gone, with nobody to tell them.
    if (failed) resetSoon(room, state.reason, RETRY_MS);
  }

  /** A rebuild after the burst of events it belongs to (a reaped peer's room may close next). */
  function resetSoon(room: string, reason: string, delayMs = BURST_MS): void {
    if (deferred.has(room)) return;
    const timer = setTimeout(() => {
      deferred.delete(room);
      void resetRoom(room, reason);
    }, delayMs);
    timer.unref();
    deferred.set(room, timer);
  }

  async function reopenIfMeeting(room: string, reason: string): Promise<void> {
    try {
      if (await ports.store.read(room)) await resetRoom(room, reason);
    } catch (error) {
      ports.log.error({ err: error, room }, 'could not check a closed room');
    }
  }

  function forgetConsumersOf(room: string, producerId: string): void {
    for (const peer of localPeers(ports, room)) {
      for (const [consumerId, of] of peer.consumers) {
        if (of !== producerId) continue;
        peer.consumers.delete(consumerId);
        peer.receiving.delete(producerId);
        ports.notify.toSocket(peer.socketId, 'consumerClosed', { consumerId, producerId });
      }
    }
  }

  return {
    onChange(change) {
      switch (change.type) {
        case 'opened':
          void fanOut(ports, change.room, change.producer);
          return;
        case 'closed':
          // Usually each consumer's own event did this already; not after missed events.
          forgetConsumersOf(change.room, change.producer.producerId);
          return;
        case 'paused':
        case 'resumed': {
          const { peerId, producerId } = change.producer;
          const type = change.type === 'paused' ? 'producerPaused' : 'producerResumed';
          toLocal(ports, change.room, type, { peerId, producerId }, peerId);
          return;
        }
        case 'epochChanged':
          void resetRoom(change.room, 'mediaRebuilt');
          return;
        case 'lost':
          void resetRoom(change.room, 'sfuRestarted');
          return;
        default: {
          const unhandled: never = change;
          ports.log.warn({ change: unhandled }, 'unhandled media change');
        }
      }
    },

    onEvent(event) {
      const room = event.roomId;
      switch (event.type) {
        case 'consumerClosed': {
          const peer = ports.rooms.peer(room, event.peerId);
          if (!peer || !peer.consumers.delete(event.consumerId)) return;
          peer.receiving.delete(event.producerId);
          ports.notify.toSocket(peer.socketId, 'consumerClosed', {
            consumerId: event.consumerId,
            producerId: event.producerId,
          });
          return;
        }
        case 'transportClosed':
          // Frees its place under the per-peer transport cap.
          ports.rooms.peer(room, event.peerId)?.transports.delete(event.transportId);
          return;
        case 'roomMediaLost':
          void resetRoom(room, event.reason);
          return;
        case 'peerClosed': {
          // Our lease ran out under a peer still connected here (this node
          // stalled), or the SFU node carrying its media lost them (a room
          // spanning nodes keeps going elsewhere): its media is gone, it rebuilds.
          const peer = ports.rooms.peer(room, event.peerId);
          if (!peer || !MEDIA_GONE.has(event.reason)) return;
          // Its media is gone; the SFU may close the room too (our room lease
          // ran out with it): one rebuild after the burst covers both.
          peer.epoch = '';
          resetMedia(peer);
          resetSoon(room, event.reason);
          return;
        }
        case 'activeSpeaker': {
          toLocal(ports, room, 'activeSpeaker', { peerId: event.peerId });
          // Written once, by the node that serves the speaker.
          if (ports.rooms.peer(room, event.peerId))
            void rememberActiveSpeaker(ports, room, event.peerId);
          return;
        }
        case 'audioLevels':
          toLocal(ports, room, 'speaking', { peerIds: event.levels.map((l) => l.peerId) });
          return;
        case 'producerOpened':
        case 'producerPaused':
        case 'producerResumed':
        case 'producerClosed':
          // Followed through the view's changes.
          return;
        case 'roomClosed':
          // Usually the meeting ended and its connections are being closed.
          // A room closed under a meeting that goes on (closed by mistake,
          // or ending raced a new start) is opened again for its peers here.
          // A node draining with migration closes its rooms the same way: they
          // are opened on another node.
          if (localPeers(ports, room).length > 0) void reopenIfMeeting(room, event.reason);
          return;
        case 'consumerPaused':
        case 'consumerResumed':
          // Producer pause/resume reaches clients as producerPaused/Resumed.
          return;
        case 'pipeClosed':
          // Between SFU nodes: the cluster's router closes the other end.
          return;
        default: {
          const unhandled: never = event;
          ports.log.warn({ event: unhandled }, 'unhandled SFU event');
        }
      }
    },

    onNodeEvent(event) {
      if (event.type === 'workerDied') {
        ports.log.error(
          { worker: event.workerIndex, pid: event.pid, replaced: event.replaced },
          'SFU worker died',
        );
      }
    },
  };
}
