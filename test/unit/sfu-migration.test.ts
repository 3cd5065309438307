// Drain with migration on the node: which rooms close together, the pause
// between batches, rooms opened meanwhile kept, rooms being opened tried
// again, and an undrain that stops what is left. The pauses are driven by
// the test, not by a clock.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MIGRATION_PACE,
  nextBatch,
  startMigration,
  type MigratedRoom,
} from '../../sfu/core/migration.js';
import { createNodeDrain } from '../../sfu/core/nodeDrain.js';

const logger = pino({ level: 'silent' });

/** A pause the test ends by hand; `pauses` lists the ones asked for. */
function manualWait() {
  const waiting: (() => void)[] = [];
  const pauses: number[] = [];
  return {
    pauses,
    wait(ms: number) {
      pauses.push(ms);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    /** Ends the oldest pause and lets the migration run its next batch. */
    async next() {
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    pending: () => waiting.length,
  };
}

/** Rooms a fake node carries, with their participants; closing one records it. */
function fakeNode(rooms: Record<string, number>) {
  const open = new Map(Object.entries(rooms));
  const busy = new Set<string>();
  const closed: string[] = [];
  return {
    open,
    busy,
    closed,
    peersOf: (roomId: string) => open.get(roomId) ?? 0,
    close(roomId: string): MigratedRoom {
      if (busy.has(roomId)) return 'busy';
      if (!open.delete(roomId)) return 'gone';
      closed.push(roomId);
      return 'closed';
    },
  };
}

const rooms = (n: number, peers = 1): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, peers]));

describe('batches of a migration', () => {
  const pace = { batchRooms: 3, batchPeers: 10 };
  const cases: [string, Record<string, number>, string[]][] = [
    ['up to the room limit', { a: 1, b: 1, c: 1, d: 1 }, ['a', 'b', 'c']],
    ['an empty room counts as one participant', { a: 0, b: 0, c: 0, d: 0 }, ['a', 'b', 'c']],
    ['up to the participant limit', { a: 4, b: 5, c: 2 }, ['a', 'b']],
    ['exactly the participant limit', { a: 4, b: 6, c: 1 }, ['a', 'b']],
    ['a room bigger than the limit goes alone', { a: 40, b: 1 }, ['a']],
    ['a big room waits for the next batch', { a: 1, b: 40 }, ['a']],
    ['nothing to close', {}, []],
  ];
  it.each(cases)('%s', (_, sizes, batch) => {
    expect(nextBatch(Object.keys(sizes), (id) => sizes[id] ?? 0, pace)).toEqual(batch);
  });
});

describe('a migration', () => {
  const pace = { batchRooms: 2, batchPeers: 100, pauseMs: 250 };

  it('closes the first batch at once and the others one pause apart', async () => {
    const node = fakeNode(rooms(5));
    const clock = manualWait();
    const migration = startMigration({
      roomIds: [...node.open.keys()],
      peersOf: node.peersOf,
      close: node.close,
      pace,
      wait: clock.wait,
      logger,
    });
    expect(node.closed).toEqual(['r0', 'r1']);
    expect(migration.pending()).toBe(3);
    await clock.next();
    expect(node.closed).toEqual(['r0', 'r1', 'r2', 'r3']);
    await clock.next();
    expect(node.closed).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    await migration.done;
    expect(clock.pauses).toEqual([250, 250]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps a room opened anew meanwhile, and tries a room being opened again later', async () => {
    const node = fakeNode(rooms(4));
    node.busy.add('r1');
    const clock = manualWait();
    const migration = startMigration({
      roomIds: [...node.open.keys()],
      peersOf: node.peersOf,
      close: node.close,
      pace,
      wait: clock.wait,
      logger,
    });
    expect(node.closed).toEqual(['r0']);
    // r3 was closed by its owner and opened again: not the room the drain found.
    migration.spare('r3');
    node.busy.delete('r1');
    await clock.next();
    expect(node.closed).toEqual(['r0', 'r2', 'r1']);
    await migration.done;
    expect([...node.open.keys()]).toEqual(['r3']);
  });

  it('stops when asked, leaving the rooms it had not reached', async () => {
    const node = fakeNode(rooms(5));
    const clock = manualWait();
    const migration = startMigration({
      roomIds: [...node.open.keys()],
      peersOf: node.peersOf,
      close: node.close,
      pace,
      wait: clock.wait,
      logger,
    });
    migration.stop();
    await clock.next();
    await migration.done;
    expect(node.closed).toEqual(['r0', 'r1']);
    expect(node.open.size).toBe(3);
    expect(migration.pending()).toBe(0);
  });

  it('goes on past a room that fails to close', async () => {
    const node = fakeNode(rooms(3));
    const migration = startMigration({
      roomIds: ['r0', 'r1', 'r2'],
      peersOf: node.peersOf,
      close: (roomId) => {
        if (roomId === 'r1') throw new Error('worker gone');
        return node.close(roomId);
      },
      pace: { ...pace, batchRooms: 10 },
      wait: () => Promise.resolve(),
      logger,
    });
    await migration.done;
    expect(node.closed).toEqual(['r0', 'r2']);
  });

  it('paces by default at ten rooms or a hundred participants a second', () => {
    expect(DEFAULT_MIGRATION_PACE).toEqual({ batchRooms: 10, batchPeers: 100, pauseMs: 1000 });
  });
});

describe('the node’s drain', () => {
  function drainOf(node: ReturnType<typeof fakeNode>, clock: ReturnType<typeof manualWait>) {
    const published: string[] = [];
    const drain = createNodeDrain({
      carried: () => [...node.open.keys()],
      peersOf: node.peersOf,
      closeMigrated: node.close,
      publish: async (state) => {
        // Nothing closes before the new state is out.
        published.push(`${state}:${node.closed.length}`);
      },
      pace: { batchRooms: 2, batchPeers: 100, pauseMs: 1000 },
      wait: clock.wait,
      logger,
    });
    return { drain, published };
  }

  it('publishes DRAINING before the first room closes, and answers the rooms left', async () => {
    const node = fakeNode(rooms(3));
    const clock = manualWait();
    const { drain, published } = drainOf(node, clock);
    expect(await drain.set({ draining: true, migrate: true })).toEqual({
      state: 'DRAINING',
      rooms: 1,
    });
    expect(published).toEqual(['DRAINING:0']);
    expect(drain.state()).toBe('DRAINING');
    // A room opened now stays.
    node.open.set('late', 3);
    drain.opened('late');
    await clock.next();
    expect(node.closed).toEqual(['r0', 'r1', 'r2']);
    expect([...node.open.keys()]).toEqual(['late']);
  });

  it('without migrate changes the state only; serving again stops a migration', async () => {
    const node = fakeNode(rooms(5));
    const clock = manualWait();
    const { drain, published } = drainOf(node, clock);
    expect(await drain.set({ draining: true })).toEqual({ state: 'DRAINING' });
    expect(node.closed).toEqual([]);
    await drain.set({ draining: true, migrate: true });
    expect(node.closed).toEqual(['r0', 'r1']);
    expect(await drain.set({ draining: false })).toEqual({ state: 'SERVING' });
    await clock.next();
    expect(node.closed).toEqual(['r0', 'r1']);
    expect(published).toEqual(['DRAINING:0', 'DRAINING:0', 'SERVING:2']);
    expect(drain.state()).toBe('SERVING');
  });
});
