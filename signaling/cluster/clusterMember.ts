// What a signaling node does as one of several sharing rooms through Redis,
// besides serving requests: its presence (heartbeat, keeping its rooms
// alive, sweeping the members of crashed nodes) and the rebuild of its rooms
// when Redis loses its data — looked for when the Redis connection comes
// back and before every beat.
import type { Logger } from '../core/logger.js';
import type { LobbyWaits } from '../rooms/lobbyWaits.js';
import type { MediaView } from '../rooms/mediaView.js';
import type { Membership } from '../rooms/membership.js';
import type { RecallingStore } from '../rooms/recallingStore.js';
import type { RedisStateStore } from '../rooms/redisStateStore.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { RoomStateStore } from '../rooms/stateStore.js';
import type { Notifier } from '../socket/notifier.js';
import { nodeTtlMs, startPresence } from './presence.js';
import type { RedisIncarnation } from './redisIncarnation.js';
import { createRoomRecovery, type RoomRecovery } from './roomRecovery.js';

/** The node's link to the others: the shared store and what tells of Redis's restarts. */
export interface ClusterLink {
  store: RedisStateStore;
  heartbeatMs: number;
  incarnation: RedisIncarnation;
  /** The room-state connection to Redis came back after a drop. */
  onReconnect(listener: () => void): () => void;
}

export interface ClusterMemberPorts {
  shared: ClusterLink;
  /** The store as the node uses it (it remembers what it saw). */
  store: RecallingStore;
  /** The shared store underneath, for the rebuild's own writes. */
  sharedStore: RoomStateStore;
  membership: Pick<Membership, 'remove' | 'markGone'>;
  rooms: Pick<RoomRegistry, 'room' | 'rooms'>;
  lobbyWaits: Pick<LobbyWaits, 'rooms' | 'waitingIn'>;
  notify: Notifier;
  media: Pick<MediaView, 'producersOf'>;
  log: Logger;
  nodeId: string;
  /** Peers of a dead node keep their place this long, to resume on another node. */
  graceMs: number;
}

export interface ClusterMember {
  readonly recovery: RoomRecovery;
  stop(): Promise<void>;
}

export function startClusterMember(ports: ClusterMemberPorts): ClusterMember {
  const { shared, store, rooms, lobbyWaits, nodeId, log } = ports;
  const recovery = createRoomRecovery({
    incarnation: shared.incarnation,
    store: ports.sharedStore,
    recall: store,
    heartbeat: () => shared.store.heartbeat(nodeId, nodeTtlMs(shared.heartbeatMs)),
    ownPart: (room) => ({
      node: nodeId,
      connected: new Map(
        [...(rooms.room(room)?.peers.values() ?? [])].map((p) => [p.id, p.socketId]),
      ),
      waiting: lobbyWaits.waitingIn(room),
    }),
    notify: ports.notify,
    media: ports.media,
    log,
  });
  const stopWatch = shared.onReconnect(() => {
    recovery.check().catch((error: unknown) => log.error({ err: error }, 'room rebuild failed'));
  });
  const presence = startPresence({
    store: {
      // Through the recalling store: each beat renews what the node recalls of its rooms.
      read: (room) => store.read(room),
      refresh: (room) => shared.store.refresh(room),
      heartbeat: (node, ttlMs) => shared.store.heartbeat(node, ttlMs),
      isNodeAlive: (node) => shared.store.isNodeAlive(node),
      forgetNode: (node) => shared.store.forgetNode(node),
    },
    async recover() {
      await recovery.check();
      recovery.prune();
    },
    membership: ports.membership,
    *localRooms() {
      for (const room of rooms.rooms()) yield room.name;
      yield* lobbyWaits.rooms();
    },
    log,
    nodeId,
    intervalMs: shared.heartbeatMs,
    graceMs: ports.graceMs,
  });
  return {
    recovery,
    async stop() {
      stopWatch();
      await presence.stop();
    },
  };
}
