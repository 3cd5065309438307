// One stream of events per room, merged from the room's parts on several SFU
// nodes. Each node numbers its own part's events (epoch + seq); signaling's
// media view follows one numbered stream per room. So the events of every
// part are checked against their own numbering here, then passed on under
// the room's epoch — its home part's — and one sequence of this merger's.
// A gap in any part's numbering asks the view to resynchronise (the merged
// listing covers every part). The home part speaks for the whole room on
// who is talking (it hears every audio producer through pipes); a part that
// loses its media (worker died, node gone) ends the media of the peers it
// carried, which then rebuild.
import type { SfuEvent } from '../../sfu/api/index.js';

type RoomEvent = Extract<SfuEvent, { epoch: string }>;
type Unstamped<E> = E extends unknown ? Omit<E, 'epoch' | 'seq'> : never;
type RoomEventInput = Unstamped<RoomEvent>;

export interface RoomEventsPorts {
  /** The room's home node as this signaling node knows it. */
  homeOf(roomId: string): string | undefined;
  /** This signaling node's peers whose media sit on that node. */
  localPeersOn(roomId: string, nodeId: string): string[];
  /** The merged event, stamped with the room's epoch and sequence. */
  emit(event: RoomEvent): void;
  /** Events were missed or could not be placed: the room's view is to be listed again. */
  resync(roomId: string): void;
  /** A part's media are gone (its pipes with them): the other ends are to be closed. */
  partLost(roomId: string, nodeId: string): void;
  /** A node closed its end of a pipe by itself. */
  pipeClosed(
    roomId: string,
    nodeId: string,
    event: Extract<RoomEvent, { type: 'pipeClosed' }>,
  ): void;
}

interface Part {
  epoch: string;
  seq: number;
  /** Announced by roomMediaLost: the epoch the part is rebuilt under. */
  next?: string;
}

interface RoomStream {
  /** The home part's epoch; undefined until known. */
  epoch: string | undefined;
  seq: number;
  parts: Map<string, Part>;
}

export interface RoomEvents {
  /** Starts merging this room's events (no-op when it does already). */
  track(roomId: string): void;
  forget(roomId: string): void;
  /** An event from a node's client. */
  receive(nodeId: string, event: RoomEvent): void;
  /** The home part answered under this epoch (openRoom, attachPeer). */
  noteHomeEpoch(roomId: string, epoch: string): void;
  /**
   * A merged listing is about to be taken: the sequence number it covers up
   * to (events numbered after it are applied on top by the view).
   */
  listingStarts(roomId: string): { epoch: string | undefined; seq: number };
  /**
   * The parts answered: their numbering is the baseline for their next
   * events; returns the epoch and sequence number the listing stands for.
   */
  listingDone(
    roomId: string,
    before: { epoch: string | undefined; seq: number },
    homeEpoch: string,
    parts: ReadonlyArray<{ nodeId: string; epoch: string; seq: number }>,
  ): { epoch: string; seq: number };
  epoch(roomId: string): string | undefined;
  /** A node that carried a part of the room (not its home) is gone. */
  partLost(roomId: string, nodeId: string): void;
}

export function createRoomEvents(ports: RoomEventsPorts): RoomEvents {
  const rooms = new Map<string, RoomStream>();

  function stamp(stream: RoomStream, event: RoomEventInput): void {
    ports.emit({ ...event, epoch: stream.epoch, seq: ++stream.seq } as RoomEvent);
  }

  /** Checks the event against its part's numbering; false for one seen already. */
  function follow(roomId: string, stream: RoomStream, nodeId: string, event: RoomEvent): boolean {
    const part = stream.parts.get(nodeId);
    if (part && event.epoch === part.epoch && event.seq <= part.seq) return false;
    const inStep = part
      ? (event.epoch === part.epoch && event.seq === part.seq + 1) ||
        (event.epoch === part.next && event.seq === 1)
      : event.seq === 1;
    if (!inStep) ports.resync(roomId);
    stream.parts.set(nodeId, {
      epoch: event.epoch,
      seq: event.seq,
      ...(event.type === 'roomMediaLost' && event.nextEpoch ? { next: event.nextEpoch } : {}),
    });
    return true;
  }

  /**
   * The part on a node other than the home lost its media (a worker died, the
   * node left or migrated its rooms away): its peers here rebuild.
   */
  function partGone(
    roomId: string,
    stream: RoomStream,
    nodeId: string,
    reason: 'workerDied' | 'migrated' = 'workerDied',
  ): void {
    ports.partLost(roomId, nodeId);
    for (const peerId of ports.localPeersOn(roomId, nodeId)) {
      stamp(stream, { type: 'peerClosed', roomId, peerId, reason });
    }
    // Producers of other signaling nodes' peers there went too.
    ports.resync(roomId);
  }

  function fromHome(roomId: string, stream: RoomStream, event: RoomEvent): void {
    if (stream.epoch !== event.epoch) {
      // Another epoch without its roomMediaLost: the view notices and resyncs.
      stream.epoch = event.epoch;
      stream.seq = 0;
    }
    stamp(stream, event);
    if (event.type === 'roomMediaLost' || event.type === 'roomClosed') {
      ports.partLost(roomId, ports.homeOf(roomId) ?? '');
      stream.epoch = event.type === 'roomMediaLost' ? event.nextEpoch : undefined;
      stream.seq = 0;
    }
  }

  function fromOther(roomId: string, stream: RoomStream, nodeId: string, event: RoomEvent): void {
    switch (event.type) {
      case 'activeSpeaker':
      case 'audioLevels':
        // The home hears everyone; a part hears only its own peers.
        return;
      case 'roomMediaLost':
        partGone(roomId, stream, nodeId);
        return;
      case 'roomClosed':
        partGone(roomId, stream, nodeId, event.reason === 'migrated' ? 'migrated' : 'workerDied');
        return;
      default:
        if (stream.epoch === undefined) {
          // The room's epoch is not known yet: the listing will cover it.
          ports.resync(roomId);
          return;
        }
        stamp(stream, event);
    }
  }

  return {
    track(roomId) {
      if (!rooms.has(roomId)) rooms.set(roomId, { epoch: undefined, seq: 0, parts: new Map() });
    },
    forget(roomId) {
      rooms.delete(roomId);
    },
    receive(nodeId, event) {
      const stream = rooms.get(event.roomId);
      if (!stream) return;
      if (!follow(event.roomId, stream, nodeId, event)) return;
      if (event.type === 'pipeClosed') {
        ports.pipeClosed(event.roomId, nodeId, event);
        return;
      }
      const home = ports.homeOf(event.roomId);
      if (home === undefined) {
        ports.resync(event.roomId);
        return;
      }
      if (nodeId === home) fromHome(event.roomId, stream, event);
      else fromOther(event.roomId, stream, nodeId, event);
    },
    noteHomeEpoch(roomId, epoch) {
      const stream = rooms.get(roomId);
      if (!stream || stream.epoch === epoch) return;
      // A new epoch (first seen, or the home's media were rebuilt): numbered anew.
      stream.epoch = epoch;
      stream.seq = 0;
    },
    listingStarts(roomId) {
      const stream = rooms.get(roomId);
      return { epoch: stream?.epoch, seq: stream?.seq ?? 0 };
    },
    listingDone(roomId, before, homeEpoch, parts) {
      const stream = rooms.get(roomId);
      if (stream) {
        if (stream.epoch !== homeEpoch) {
          stream.epoch = homeEpoch;
          stream.seq = 0;
        }
        for (const { nodeId, epoch, seq } of parts) {
          const part = stream.parts.get(nodeId);
          if (!part || part.epoch !== epoch || part.seq < seq)
            stream.parts.set(nodeId, { epoch, seq });
        }
      }
      // Events numbered after this are applied on top of the listing; when
      // the epoch moved meanwhile, all of the new epoch's are.
      return { epoch: homeEpoch, seq: before.epoch === homeEpoch ? before.seq : 0 };
    },
    epoch: (roomId) => rooms.get(roomId)?.epoch,
    partLost(roomId, nodeId) {
      const stream = rooms.get(roomId);
      if (stream && nodeId !== ports.homeOf(roomId)) partGone(roomId, stream, nodeId);
    },
  };
}
