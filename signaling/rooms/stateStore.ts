// The room-state store: atomic read-modify-write of one room's control state.
// The memory implementation serves one signaling node; the Redis one lets
// several nodes share rooms (same interface, same tests).
import type { RoomControl } from './control.js';

export interface Mutation<T> {
  /** The new state; undefined deletes the room. */
  next: RoomControl | undefined;
  result: T;
}

export interface RoomStateStore {
  read(room: string): Promise<RoomControl | undefined>;
  /**
   * Applies `change` atomically. `change` gets a private copy it may modify
   * and return as `next`; it must have no other effects, because a store may
   * call it again with fresher state when another node wrote in between.
   * A change that leaves the state as it was writes nothing, so frequent
   * no-op updates (the same active speaker again) cost no write.
   */
  update<T>(room: string, change: (current: RoomControl | undefined) => Mutation<T>): Promise<T>;
  close(): Promise<void>;
}

export function createMemoryStateStore(): RoomStateStore {
  const rooms = new Map<string, string>();
  // Stored serialised, like Redis, so no caller can mutate state in place.
  const load = (room: string) => {
    const raw = rooms.get(room);
    return raw === undefined ? undefined : (JSON.parse(raw) as RoomControl);
  };
  return {
    async read(room) {
      return load(room);
    },
    async update(room, change) {
      const { next, result } = change(load(room));
      if (next) rooms.set(room, JSON.stringify(next));
      else rooms.delete(room);
      return result;
    },
    async close() {
      rooms.clear();
    },
  };
}
