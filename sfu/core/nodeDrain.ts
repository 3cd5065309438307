// The node's state (SERVING or DRAINING) and drain with migration
// (setNodeDraining): the state is published first (the registry record), so
// by the time a room closes as `migrated`, placement no longer picks this
// node for it; then the rooms carried at that moment close in paced batches
// (migration.ts). A draining node keeps what it carries beyond them: rooms
// opened during the drain are not moved.
import type { NodeState } from '../api/registry.js';
import type { SfuRequest, SfuResponse } from '../api/methods.js';
import type { SfuLogger } from './logger.js';
import {
  DEFAULT_MIGRATION_PACE,
  startMigration,
  type MigratedRoom,
  type Migration,
  type MigrationPace,
} from './migration.js';

export interface NodeDrainDeps {
  /** The rooms the node carries now (open, or being opened or rebuilt). */
  carried(): string[];
  peersOf(roomId: string): number;
  /** Closes the room with reason `migrated` if it is open (its leases forgotten). */
  closeMigrated(roomId: string): MigratedRoom;
  /** Makes a new state known (the registry record); awaited before any room closes. */
  publish?: (state: NodeState) => Promise<void>;
  /** DEFAULT_MIGRATION_PACE unless given. */
  pace?: MigrationPace;
  wait?: (ms: number) => Promise<void>;
  logger: SfuLogger;
}

export interface NodeDrain {
  state(): NodeState;
  /** The setNodeDraining call. */
  set(request: SfuRequest<'setNodeDraining'>): Promise<SfuResponse<'setNodeDraining'>>;
  /** A room was opened anew: if a migration runs it keeps the room. */
  opened(roomId: string): void;
  /** The node closes: a migration in progress ends. */
  stop(): void;
}

export function createNodeDrain(deps: NodeDrainDeps): NodeDrain {
  /** DRAINING: no new rooms or peers should be placed here (the registry says so). */
  let state: NodeState = 'SERVING';
  let migration: Migration | undefined;

  function stopMigration(): void {
    migration?.stop();
    migration = undefined;
  }

  return {
    state: () => state,
    async set({ draining, migrate }) {
      state = draining ? 'DRAINING' : 'SERVING';
      // Serving again ends a migration; a drain without `migrate` leaves one running.
      if (!draining) stopMigration();
      await deps.publish?.(state);
      // An undrain may have come while the state was published.
      if (!migrate || state !== 'DRAINING') return { state };
      // Asked again: what the node carries now is moved, from the start.
      stopMigration();
      migration = startMigration({
        roomIds: deps.carried(),
        peersOf: deps.peersOf,
        close: deps.closeMigrated,
        pace: deps.pace ?? DEFAULT_MIGRATION_PACE,
        ...(deps.wait ? { wait: deps.wait } : {}),
        logger: deps.logger,
      });
      return { state, rooms: deps.carried().length };
    },
    opened(roomId) {
      migration?.spare(roomId);
    },
    stop: stopMigration,
  };
}
