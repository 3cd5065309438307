// Pipes between the SFU nodes a room spans, set up on demand through the SFU
// contract: a consumer on node B of a producer on node A needs the room's pipe
// between A and B (both ends opened, each connected to the other) and the
// producer sent through it (pipeProducer on A, acceptPipedProducer on B).
// Every step is idempotent on the nodes, so several signaling nodes may set
// up the same pipe at once; here concurrent requests for one pipe share one
// attempt. A node that closes its end by itself says so (pipeClosed) and the
// other end is closed here; what is known to be piped is forgotten then.
import { SfuError, type SfuApi, type SfuEvent } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';

type PipeClosed = Extract<SfuEvent, { type: 'pipeClosed' }>;

export interface PipesPorts {
  /** The client of a live node; undefined when the node is gone. */
  client(nodeId: string): SfuApi | undefined;
  log: Logger;
}

export interface Pipes {
  /**
   * Makes producer `producerId` of node `from` consumable on node `to`.
   * `observe`: the room's active-speaker observer on `to` hears it (the
   * home hears every audio producer).
   */
  ensure(
    roomId: string,
    producerId: string,
    from: string,
    to: string,
    observe?: boolean,
  ): Promise<void>;
  /** What was piped of this producer to `to` is gone (its consumer failed): ask again next time. */
  forgetPiped(roomId: string, producerId: string, to: string): void;
  /** A node closed its end by itself: the other end is closed too. */
  closed(roomId: string, nodeId: string, event: PipeClosed): void;
  /** A room's part on `nodeId` lost its media: every other node closes its end toward it. */
  partLost(roomId: string, nodeId: string, otherNodes: readonly string[]): void;
  forgetRoom(roomId: string): void;
}

/** Attempts at a pipe whose ends kept turning out stale (made anew by another signaling node). */
const ATTEMPTS = 3;

const pairKey = (roomId: string, a: string, b: string) =>
  `${roomId}\n${a < b ? `${a}\n${b}` : `${b}\n${a}`}`;
const pipedKey = (roomId: string, producerId: string, to: string) =>
  `${roomId}\n${producerId}\n${to}`;

const isStale = (error: unknown) => error instanceof SfuError && error.code === 'PIPE_STALE';

export function createPipes(ports: PipesPorts): Pipes {
  const log = ports.log.child({ component: 'pipes' });
  /** Pipes (by room and node pair) connected, or being connected, by this signaling node. */
  const pairs = new Map<string, Promise<void>>();
  /** Producers piped (or being piped) to a node, with whether the home observes them. */
  const piped = new Map<string, { done: Promise<void>; observe: boolean }>();

  function node(nodeId: string): SfuApi {
    const client = ports.client(nodeId);
    if (!client) throw new SfuError('SFU_UNAVAILABLE', `SFU node ${nodeId} is not live`);
    return client;
  }

  async function closeEnds(roomId: string, a: string, b: string): Promise<void> {
    await Promise.all([
      ports
        .client(a)
        ?.call('closePipe', { roomId, remoteNodeId: b })
        .catch(() => undefined),
      ports
        .client(b)
        ?.call('closePipe', { roomId, remoteNodeId: a })
        .catch(() => undefined),
    ]);
  }

  /** Both ends open and connected to each other. */
  async function connect(roomId: string, a: string, b: string): Promise<void> {
    const [nodeA, nodeB] = [node(a), node(b)];
    for (let attempt = 1; ; attempt++) {
      try {
        const [endA, endB] = await Promise.all([
          nodeA.call('openPipe', { roomId, remoteNodeId: b }),
          nodeB.call('openPipe', { roomId, remoteNodeId: a }),
        ]);
        const joined = (end: typeof endA, other: typeof endB): boolean | 'elsewhere' => {
          if (!end.connected) return false;
          return end.remote?.ip === other.local.ip && end.remote.port === other.local.port
            ? true
            : 'elsewhere';
        };
        const [aJoined, bJoined] = [joined(endA, endB), joined(endB, endA)];
        if (aJoined === 'elsewhere' || bJoined === 'elsewhere') {
          // One end is still connected to a previous end of the other: start both anew.
          throw new SfuError(
            'PIPE_STALE',
            `the pipe of room ${roomId} between ${a} and ${b} is stale`,
          );
        }
        await Promise.all([
          aJoined
            ? undefined
            : nodeA.call('connectPipe', {
                roomId,
                remoteNodeId: b,
                pipeId: endA.pipeId,
                remote: endB.local,
              }),
          bJoined
            ? undefined
            : nodeB.call('connectPipe', {
                roomId,
                remoteNodeId: a,
                pipeId: endB.pipeId,
                remote: endA.local,
              }),
        ]);
        return;
      } catch (error) {
        if (!isStale(error) || attempt >= ATTEMPTS) throw error;
        log.info({ room: roomId, a, b }, 'pipe ends were stale; opening them anew');
        await closeEnds(roomId, a, b);
      }
    }
  }

  function connected(roomId: string, a: string, b: string): Promise<void> {
    const key = pairKey(roomId, a, b);
    let done = pairs.get(key);
    if (!done) {
      done = connect(roomId, a, b);
      pairs.set(key, done);
      done.catch(() => {
        if (pairs.get(key) === done) pairs.delete(key);
      });
    }
    return done;
  }

  async function pipe(
    roomId: string,
    producerId: string,
    from: string,
    to: string,
    observe: boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await connected(roomId, from, to);
      try {
        const sent = await node(from).call('pipeProducer', {
          roomId,
          remoteNodeId: to,
          producerId,
        });
        await node(to).call('acceptPipedProducer', {
          roomId,
          remoteNodeId: from,
          ...sent,
          ...(observe ? { observe: true } : {}),
        });
        return;
      } catch (error) {
        if (!isStale(error) || attempt >= ATTEMPTS) throw error;
        // An end closed (idle) between our connect and this: connect anew.
        pairs.delete(pairKey(roomId, from, to));
        await closeEnds(roomId, from, to);
      }
    }
  }

  function forgetPair(roomId: string, a: string, b: string): void {
    pairs.delete(pairKey(roomId, a, b));
    const prefix = `${roomId}\n`;
    for (const key of [...piped.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const to = key.slice(key.lastIndexOf('\n') + 1);
      if (to === a || to === b) piped.delete(key);
    }
  }

  return {
    ensure(roomId, producerId, from, to, observe = false) {
      const key = pipedKey(roomId, producerId, to);
      const known = piped.get(key);
      if (known && (known.observe || !observe)) return known.done;
      const done = pipe(roomId, producerId, from, to, observe);
      const entry = { done, observe };
      piped.set(key, entry);
      done.catch(() => {
        if (piped.get(key) === entry) piped.delete(key);
      });
      return done;
    },
    forgetPiped(roomId, producerId, to) {
      piped.delete(pipedKey(roomId, producerId, to));
    },
    closed(roomId, nodeId, event) {
      const other = event.remoteNodeId;
      if (event.producerId === undefined) {
        forgetPair(roomId, nodeId, other);
      } else {
        piped.delete(pipedKey(roomId, event.producerId, nodeId));
        piped.delete(pipedKey(roomId, event.producerId, other));
      }
      ports
        .client(other)
        ?.call('closePipe', {
          roomId,
          remoteNodeId: nodeId,
          ...(event.producerId === undefined ? {} : { producerId: event.producerId }),
        })
        .catch((error: unknown) => {
          log.warn(
            { err: error, room: roomId, node: other },
            'closing the other end of a pipe failed',
          );
        });
    },
    partLost(roomId, nodeId, otherNodes) {
      for (const other of otherNodes) {
        if (other === nodeId) continue;
        forgetPair(roomId, nodeId, other);
        ports
          .client(other)
          ?.call('closePipe', { roomId, remoteNodeId: nodeId })
          .catch(() => undefined);
      }
    },
    forgetRoom(roomId) {
      const prefix = `${roomId}\n`;
      for (const key of [...pairs.keys()]) if (key.startsWith(prefix)) pairs.delete(key);
      for (const key of [...piped.keys()]) if (key.startsWith(prefix)) piped.delete(key);
    },
  };
}
