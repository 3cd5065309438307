// Drain with migration: the node closes the rooms it carried when the drain
// began, reason `migrated`, so signaling opens each elsewhere and its
// participants rebuild their media there. Rooms are closed in batches with a
// pause between them: every closed room makes each of its participants
// rebuild transports and media on another node, and a node emptied at once
// would send signaling and the receiving nodes all of that in one burst.

import type { SfuLogger } from './logger.js';

export interface MigrationPace {
  /** At most this many rooms are closed together. */
  batchRooms: number;
  /**
   * A batch stops before the room that would take its participants past this
   * (a bigger room goes alone).
   */
  batchPeers: number;
  /** Pause between two batches, ms. */
  pauseMs: number;
}

/**
 * Ten rooms or a hundred participants a second: a node carrying 300 small
 * rooms empties in about half a minute, a node with ten 100-person rooms in
 * about ten seconds, and no second brings more than a hundred rebuilds.
 */
export const DEFAULT_MIGRATION_PACE: MigrationPace = {
  batchRooms: 10,
  batchPeers: 100,
  pauseMs: 1000,
};

/** What closing one room came to: closed, already gone, or being opened (tried again later). */
export type MigratedRoom = 'closed' | 'gone' | 'busy';

export interface MigrationDeps {
  /** The rooms the node carries as the drain begins, in the order they are to close. */
  roomIds: readonly string[];
  /** The room's participants now (a room counts at least one). */
  peersOf(roomId: string): number;
  /** Closes the room with reason `migrated` if it is open. */
  close(roomId: string): MigratedRoom;
  pace: MigrationPace;
  /** Resolves after `ms` (a timer that keeps no process alive; tests drive their own). */
  wait?: (ms: number) => Promise<void>;
  logger: SfuLogger;
}

const timer = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export interface Migration {
  /** A room opened anew during the migration is not the node's to move: it is kept. */
  spare(roomId: string): void;
  /** Ends the migration (undrain, or the node closes); rooms not closed yet stay. */
  stop(): void;
  /** Rooms still to close. */
  pending(): number;
  /** Resolves once every room is closed or the migration stopped. */
  readonly done: Promise<void>;
}

/**
 * The next batch from the front of `queue`: at least one room, then rooms
 * while the batch stays within the pace's rooms and participants.
 */
export function nextBatch(
  queue: readonly string[],
  peersOf: (roomId: string) => number,
  pace: Pick<MigrationPace, 'batchRooms' | 'batchPeers'>,
): string[] {
  const batch: string[] = [];
  let peers = 0;
  for (const roomId of queue) {
    if (batch.length >= pace.batchRooms) break;
    const weight = Math.max(1, peersOf(roomId));
    if (batch.length > 0 && peers + weight > pace.batchPeers) break;
    batch.push(roomId);
    peers += weight;
  }
  return batch;
}

/**
 * Starts closing the rooms; the first batch is closed before this returns
 * (so a caller's reply already counts it out), the others after each pause.
 */
export function startMigration(deps: MigrationDeps): Migration {
  const { pace, logger, wait = timer } = deps;
  const queue = [...new Set(deps.roomIds)];
  let stopped = false;
  let migrated = 0;

  function closeBatch(): void {
    const batch = nextBatch(queue, deps.peersOf, pace);
    queue.splice(0, batch.length);
    for (const roomId of batch) {
      let outcome: MigratedRoom;
      try {
        outcome = deps.close(roomId);
      } catch (error) {
        // One room that cannot close must not keep the others on the node.
        logger.error({ err: error, room: roomId }, 'could not close a room to migrate it');
        continue;
      }
      if (outcome === 'closed') migrated += 1;
      // Being opened or rebuilt: its turn comes again after the others.
      if (outcome === 'busy') queue.push(roomId);
    }
  }

  async function run(): Promise<void> {
    logger.info({ rooms: queue.length, ...pace }, 'migrating the node’s rooms');
    closeBatch();
    while (!stopped && queue.length > 0) {
      await wait(pace.pauseMs);
      if (stopped) break;
      closeBatch();
    }
    logger.info(
      { migrated, left: queue.length, stopped },
      stopped ? 'migration stopped' : 'migration done',
    );
  }

  const done = run().catch((error: unknown) => {
    logger.error({ err: error }, 'migration failed');
  });

  return {
    spare(roomId) {
      const at = queue.indexOf(roomId);
      if (at >= 0) queue.splice(at, 1);
    },
    stop() {
      stopped = true;
    },
    pending: () => (stopped ? 0 : queue.length),
    done,
  };
}
