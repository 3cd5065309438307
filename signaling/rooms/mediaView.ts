// What the SFU says each watched room's media is: its epoch and producers,
// kept from the room's events and resynchronised with `listProducers` when
// events were missed (a gap in `seq`, another epoch, a reconnection). Signaling
// keeps no producer list of its own: every node that watches a room sees the
// same producers, whichever node created them.
import { SfuError, type ProducerInfo, type SfuEvent } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';

type RoomEvent = Extract<SfuEvent, { epoch: string }>;

/** What changed in a room's media, as the follower must act on it. */
export type MediaChange =
  /** A producer is there to consume (seen for the first time from the SFU). */
  | { type: 'opened'; room: string; producer: ProducerInfo }
  | { type: 'closed'; room: string; producer: ProducerInfo }
  | { type: 'paused' | 'resumed'; room: string; producer: ProducerInfo }
  /** A resync found the room under another epoch: its media was rebuilt. */
  | { type: 'epochChanged'; room: string; epoch: string }
  /** A resync found no such room in the SFU (its node restarted, or it was closed). */
  | { type: 'lost'; room: string };

export interface MediaViewPorts {
  listProducers(
    room: string,
  ): Promise<{ epoch: string; seq: number; producers: readonly ProducerInfo[] }>;
  /** Room events in order, once each, after the view took them in. */
  onEvent(event: RoomEvent): void;
  onChange(change: MediaChange): void;
  log: Logger;
  /** Delay before a failed resync is tried again. */
  retryMs?: number;
}

interface Entry extends ProducerInfo {
  /** Seen in an event or a listing (not only in this node's own produce reply). */
  confirmed: boolean;
}

interface RoomMedia {
  epoch: string | undefined;
  seq: number;
  producers: Map<string, Entry>;
  /** Set while a resync runs; events wait in `buffer` meanwhile. */
  syncing: Promise<void> | undefined;
  again: boolean;
  buffer: RoomEvent[];
  retry: NodeJS.Timeout | undefined;
}

export interface MediaView {
  /** Follows the room from now on (no-op if it does) and resynchronises when it has no epoch. */
  track(room: string): void;
  forget(room: string): void;
  tracked(room: string): boolean;
  rooms(): Iterable<string>;
  /** Resolves once the room's view is in step with the SFU (no resync running). */
  synced(room: string): Promise<void>;
  /** Asks the SFU again (a reconnection, a gap, another epoch). */
  resync(room: string): void;
  epoch(room: string): string | undefined;
  producers(room: string): ProducerInfo[];
  producersOf(room: string, peerId: string): ProducerInfo[];
  producer(room: string, producerId: string): ProducerInfo | undefined;
  /** This node's own produce reply, before (or after) its event arrives. */
  noteProduced(room: string, producer: ProducerInfo): void;
  notePaused(room: string, producerId: string, paused: boolean): void;
  noteClosed(room: string, producerId: string): void;
  /** Takes in an SFU event (events of rooms not followed are ignored). */
  receive(event: SfuEvent): void;
  close(): void;
}

const info = ({ confirmed: _confirmed, ...producer }: Entry): ProducerInfo => producer;

export function createMediaView(ports: MediaViewPorts): MediaView {
  const rooms = new Map<string, RoomMedia>();
  const retryMs = ports.retryMs ?? 1000;

  function apply(room: string, state: RoomMedia, event: RoomEvent): void {
    switch (event.type) {
      case 'producerOpened': {
        const { peerId, producerId, kind, label, paused } = event;
        const producer: ProducerInfo = { peerId, producerId, kind, label, paused };
        const known = state.producers.get(producer.producerId);
        state.producers.set(producer.producerId, {
          ...producer,
          paused: known?.paused ?? producer.paused,
          confirmed: true,
        });
        if (!known?.confirmed) ports.onChange({ type: 'opened', room, producer });
        break;
      }
      case 'producerPaused':
      case 'producerResumed': {
        const entry = state.producers.get(event.producerId);
        if (!entry) break;
        entry.paused = event.type === 'producerPaused';
        ports.onChange({
          type: entry.paused ? 'paused' : 'resumed',
          room,
          producer: info(entry),
        });
        break;
      }
      case 'producerClosed': {
        const entry = state.producers.get(event.producerId);
        if (!entry) break;
        state.producers.delete(event.producerId);
        ports.onChange({ type: 'closed', room, producer: info(entry) });
        break;
      }
      case 'peerClosed':
        for (const [id, entry] of state.producers) {
          if (entry.peerId !== event.peerId) continue;
          state.producers.delete(id);
          ports.onChange({ type: 'closed', room, producer: info(entry) });
        }
        break;
      case 'roomMediaLost':
        // Rebuilt under `nextEpoch` (numbered from 1 again), or not at all.
        state.producers.clear();
        state.epoch = event.nextEpoch;
        state.seq = 0;
        break;
      case 'roomClosed':
        state.producers.clear();
        state.epoch = undefined;
        state.seq = 0;
        break;
      default:
        break;
    }
    ports.onEvent(event);
  }

  function take(room: string, state: RoomMedia, event: RoomEvent): void {
    if (state.syncing) {
      state.buffer.push(event);
      return;
    }
    if (event.epoch === state.epoch && event.seq <= state.seq) return; // seen already
    if (event.epoch !== state.epoch || event.seq !== state.seq + 1) {
      // Missed events: ask the SFU, then carry on with what comes after its answer.
      state.buffer.push(event);
      resync(room);
      return;
    }
    state.seq = event.seq;
    apply(room, state, event);
  }

  async function runSync(room: string, state: RoomMedia): Promise<void> {
    do {
      state.again = false;
      let listing;
      try {
        listing = await ports.listProducers(room);
      } catch (error) {
        if (rooms.get(room) !== state) return;
        if (
          error instanceof SfuError &&
          (error.code === 'ROOM_NOT_FOUND' || error.code === 'ROOM_NOT_ON_NODE')
        ) {
          state.producers.clear();
          state.epoch = undefined;
          state.seq = 0;
          state.buffer = [];
          ports.onChange({ type: 'lost', room });
          // The room may be open again by now (asked for meanwhile).
          continue;
        }
        ports.log.warn({ err: error, room }, 'room media resync failed; trying again');
        clearTimeout(state.retry);
        state.retry = setTimeout(() => {
          state.retry = undefined;
          if (rooms.get(room) === state) resync(room);
        }, retryMs);
        state.retry.unref();
        return;
      }
      if (rooms.get(room) !== state) return;
      const previous = state.producers;
      const changedEpoch = state.epoch !== undefined && state.epoch !== listing.epoch;
      state.producers = new Map(
        listing.producers.map((p) => [p.producerId, { ...p, confirmed: true }]),
      );
      if (changedEpoch) {
        ports.onChange({ type: 'epochChanged', room, epoch: listing.epoch });
      } else {
        for (const [id, entry] of previous) {
          if (!state.producers.has(id) && entry.confirmed)
            ports.onChange({ type: 'closed', room, producer: info(entry) });
          // Our own producer whose event is still on its way.
          if (!state.producers.has(id) && !entry.confirmed) state.producers.set(id, entry);
        }
        for (const producer of listing.producers) {
          const before = previous.get(producer.producerId);
          if (!before?.confirmed) ports.onChange({ type: 'opened', room, producer });
          else if (before.paused !== producer.paused)
            ports.onChange({ type: producer.paused ? 'paused' : 'resumed', room, producer });
        }
      }
      state.epoch = listing.epoch;
      state.seq = listing.seq;
    } while (state.again);
  }

  function resync(room: string): void {
    const state = rooms.get(room);
    if (!state) return;
    if (state.syncing) {
      state.again = true;
      return;
    }
    const running = runSync(room, state).finally(() => {
      state.syncing = undefined;
      if (rooms.get(room) !== state) return;
      const buffered = state.buffer.sort((a, b) => a.seq - b.seq);
      state.buffer = [];
      for (const event of buffered) take(room, state, event);
    });
    state.syncing = running;
    running.catch((error: unknown) =>
      ports.log.error({ err: error, room }, 'room media resync threw'),
    );
  }

  const entries = (room: string) => [...(rooms.get(room)?.producers.values() ?? [])];

  return {
    track(room) {
      if (!rooms.has(room)) {
        rooms.set(room, {
          epoch: undefined,
          seq: 0,
          producers: new Map(),
          syncing: undefined,
          again: false,
          buffer: [],
          retry: undefined,
        });
      }
      if (rooms.get(room)?.epoch === undefined) resync(room);
    },
    forget(room) {
      clearTimeout(rooms.get(room)?.retry);
      rooms.delete(room);
    },
    tracked: (room) => rooms.has(room),
    rooms: () => rooms.keys(),
    async synced(room) {
      for (let state = rooms.get(room); state?.syncing; state = rooms.get(room)) {
        await state.syncing.catch(() => undefined);
      }
    },
    resync,
    epoch: (room) => rooms.get(room)?.epoch,
    producers: (room) => entries(room).map(info),
    producersOf: (room, peerId) =>
      entries(room)
        .filter((p) => p.peerId === peerId)
        .map(info),
    producer(room, producerId) {
      const entry = rooms.get(room)?.producers.get(producerId);
      return entry ? info(entry) : undefined;
    },
    noteProduced(room, producer) {
      const state = rooms.get(room);
      if (!state || state.producers.has(producer.producerId)) return;
      state.producers.set(producer.producerId, { ...producer, confirmed: false });
    },
    notePaused(room, producerId, paused) {
      const entry = rooms.get(room)?.producers.get(producerId);
      if (entry) entry.paused = paused;
    },
    noteClosed(room, producerId) {
      rooms.get(room)?.producers.delete(producerId);
    },
    receive(event) {
      if (!('epoch' in event)) return;
      const state = rooms.get(event.roomId);
      if (state) take(event.roomId, state, event);
    },
    close() {
      for (const state of rooms.values()) clearTimeout(state.retry);
      rooms.clear();
    },
  };
}
