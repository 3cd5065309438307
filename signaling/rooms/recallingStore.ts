// The room-state store as this node uses it when Redis may lose its data: it
// remembers the last state it read or wrote of each room, so that the node
// can write its own part of a room again (roomRecovery.ts), and a request
// that finds a room's state missing (or missing members it had) first lets
// the node make sure Redis did not lose it — rebuilding it if so — before
// acting on "no such room" or "no longer in this room".
import type { RoomControl } from './control.js';
import type { Mutation, RoomStateStore } from './stateStore.js';

export interface RecallingStore extends RoomStateStore {
  /** The last state of the room this node read or wrote (a private copy), if any. */
  recall(room: string): RoomControl | undefined;
  /** Rooms with a remembered state. */
  recalled(): IterableIterator<string>;
  /** Notes a state written past this store (the recovery's own writes). */
  remember(room: string, state: RoomControl | undefined): void;
  /** Forgets rooms this node has nothing to do with any more. */
  forget(room: string): void;
}

export interface RecallingStorePorts {
  /**
   * A room's state was missing: resolves true when it may be back (Redis had
   * lost its data and this node's rooms were written again), so the store
   * looks once more.
   */
  missing(room: string): Promise<boolean>;
}

/** Whether members of the state remembered are absent from the state read now. */
const lostMembers = (remembered: RoomControl | undefined, now: RoomControl): boolean =>
  remembered !== undefined && Object.keys(remembered.members).some((id) => !(id in now.members));

/** The change's stand-in result when the state is missing and not yet checked. */
const MISSING: unique symbol = Symbol('missing');

export function createRecallingStore(
  inner: RoomStateStore,
  ports: RecallingStorePorts,
): RecallingStore {
  const seen = new Map<string, RoomControl>();
  const remember = (room: string, state: RoomControl | undefined) => {
    if (state) seen.set(room, structuredClone(state));
    else seen.delete(room);
  };

  return {
    async read(room) {
      let state = await inner.read(room);
      // Missing, or missing members it had when this node last looked: after
      // Redis lost its data another node may have written the room again
      // with its own members before this node wrote its own — a request of
      // one of them must not be refused as "no longer in this room" meanwhile.
      if ((!state || lostMembers(seen.get(room), state)) && (await ports.missing(room)))
        state = await inner.read(room);
      remember(room, state);
      return state;
    },
    async update<T>(
      room: string,
      change: (current: RoomControl | undefined) => Mutation<T>,
    ): Promise<T> {
      let checked = false;
      for (;;) {
        let next: RoomControl | undefined;
        const outcome = await inner.update<T | typeof MISSING>(room, (current) => {
          // Writes nothing: the state stays missing until it has been checked.
          if (!current && !checked) return { next: current, result: MISSING };
          const mutation = change(current);
          next = mutation.next;
          return mutation;
        });
        if (outcome !== MISSING) {
          remember(room, next);
          return outcome;
        }
        // Rebuilt or not, the state as it now is decides (no second check).
        await ports.missing(room);
        checked = true;
      }
    },
    recall(room) {
      const state = seen.get(room);
      return state && structuredClone(state);
    },
    recalled: () => seen.keys(),
    remember,
    forget(room) {
      seen.delete(room);
    },
    close: () => inner.close(),
  };
}
