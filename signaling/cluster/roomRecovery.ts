// Rebuilds the shared state of this node's rooms after Redis lost it (a
// restart of a Redis that keeps nothing on disk). Each node knows its own
// part of each room — the members it serves, who waits in its lobbies, and the
// room as it last saw it — and writes that part again, merged into whatever
// other nodes already wrote (rooms/reassert.ts), so meetings go on. It looks
// whenever its Redis connection comes back, before each presence beat, and
// when a request finds a room's state missing.
import type { Logger } from '../core/logger.js';
import { RoomStateFormatError } from '../rooms/controlSchema.js';
import type { MediaView } from '../rooms/mediaView.js';
import type { RecallingStore } from '../rooms/recallingStore.js';
import { hasOwnPart, reassertRoom, type OwnPart } from '../rooms/reassert.js';
import { toPeerInfo } from '../rooms/registry.js';
import type { RoomStateStore } from '../rooms/stateStore.js';
import { moderatorGroup, type Notifier } from '../socket/notifier.js';
import type { RedisIncarnation } from './redisIncarnation.js';

export interface RoomRecoveryPorts {
  readonly incarnation: RedisIncarnation;
  /** The shared store itself (not the recalling one: a rebuild must not wait on itself). */
  readonly store: RoomStateStore;
  readonly recall: Pick<RecallingStore, 'recall' | 'recalled' | 'remember' | 'forget'>;
  /** Announces this node alive, before its members reappear (others sweep a dead node's). */
  heartbeat(): Promise<void>;
  /** This node's live connections and lobby waits in a room. */
  ownPart(room: string): OwnPart;
  readonly notify: Notifier;
  readonly media: Pick<MediaView, 'producersOf'>;
  readonly log: Logger;
}

export interface RoomRecovery {
  /**
   * Looks whether Redis lost its data; when it did, writes this node's part
   * of each of its rooms again. Resolves true when it rebuilt. Concurrent
   * calls share one look.
   */
  check(): Promise<boolean>;
  /** Forgets the rooms in which this node has no part any more. */
  prune(): void;
}

export function createRoomRecovery(ports: RoomRecoveryPorts): RoomRecovery {
  const { store, recall, notify, log } = ports;
  let running: Promise<boolean> | undefined;
  /** Rooms whose rebuild did not finish (Redis went away again): tried again at the next look. */
  const pending = new Set<string>();

  async function rebuild(room: string): Promise<void> {
    const recalled = recall.recall(room);
    if (!recalled) return;
    const own = ports.ownPart(room);
    const outcome = await store.update(room, (current) => {
      const reassertion = reassertRoom(current, recalled, own);
      return { next: reassertion.next ?? current, result: { ...reassertion, current } };
    });
    recall.remember(room, outcome.next ?? outcome.current);
    if (!outcome.next) return;
    // Somebody entered the room while its state was missing and became its host.
    for (const member of outcome.demoted) {
      log.warn({ room, peer: member.peerId }, 'second host after the rebuild made a participant');
      notify.setGroup(member.socketId, moderatorGroup(room), false);
      notify.toRoom(room, 'peerUpdated', {
        peer: toPeerInfo(member, ports.media.producersOf(room, member.peerId)),
      });
    }
  }

  async function look(): Promise<boolean> {
    const lost = await ports.incarnation.check();
    if (!lost && pending.size === 0) return false;
    if (lost) {
      log.warn({}, 'Redis lost its data (restarted empty?): rebuilding this node’s rooms');
      for (const room of recall.recalled()) pending.add(room);
    }
    await ports.heartbeat();
    let rebuilt = 0;
    for (const room of [...pending]) {
      try {
        await rebuild(room);
        pending.delete(room);
        rebuilt += 1;
      } catch (error) {
        log.error({ err: error, room }, 'room state not rebuilt');
        // Another release's state (a rolling upgrade) is never overwritten.
        if (error instanceof RoomStateFormatError) pending.delete(room);
      }
    }
    log.info({ rebuilt, left: pending.size }, 'rooms rebuilt after Redis lost their state');
    return true;
  }

  return {
    check() {
      running ??= look().finally(() => {
        running = undefined;
      });
      return running;
    },
    prune() {
      for (const room of [...recall.recalled()]) {
        const recalled = recall.recall(room);
        if (recalled && hasOwnPart(recalled, ports.ownPart(room))) continue;
        recall.forget(room);
        pending.delete(room);
      }
    },
  };
}
