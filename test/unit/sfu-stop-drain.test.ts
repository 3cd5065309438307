// What a stopping SFU node waits for: its rooms gone, the drain timeout, or a
// second signal. The clock and the sleeps are the test's.
import { describe, expect, it } from 'vitest';
import { drainBeforeStop, type StopDrainDeps } from '../../sfu/node/stopDrain.js';

interface Line {
  level: 'info' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A node whose rooms are `left()` and a clock that moves only when the drain sleeps. */
function stoppingNode(left: (at: number) => number, over: Partial<StopDrainDeps> = {}) {
  let at = 0;
  const lines: Line[] = [];
  const sleeps: number[] = [];
  const interrupt = new AbortController();
  let started = 0;
  const deps: StopDrainDeps = {
    start: async () => {
      started += 1;
    },
    roomsLeft: () => left(at),
    timeoutMs: 10_000,
    pollMs: 500,
    now: () => at,
    sleep: async (ms) => {
      sleeps.push(ms);
      at += ms;
    },
    signal: interrupt.signal,
    log: {
      info: (fields, message) => void lines.push({ level: 'info', fields: { ...fields }, message }),
      error: (fields, message) =>
        void lines.push({ level: 'error', fields: { ...fields }, message }),
    },
    ...over,
  };
  return { deps, lines, sleeps, interrupt, started: () => started, now: () => at };
}

describe('the drain before an SFU node stops', () => {
  it('ends as soon as the node carries no rooms', async () => {
    const node = stoppingNode((at) => (at < 1500 ? 3 : 0));
    expect(await drainBeforeStop(node.deps)).toEqual({ end: 'empty', rooms: 0 });
    expect(node.started()).toBe(1);
    expect(node.sleeps).toEqual([500, 500, 500]);
    expect(node.lines.map((l) => l.message)).toEqual([
      expect.stringContaining('draining before stopping'),
      'drain ended (empty), 0 room(s) left',
    ]);
    expect(node.lines[0]?.fields).toMatchObject({ rooms: 3, timeoutSeconds: 10 });
    expect(node.lines[1]?.fields).toMatchObject({ end: 'empty', rooms: 0, seconds: 2 });
  });

  it('gives up at the timeout with the rooms it still carries', async () => {
    const node = stoppingNode(() => 2, { timeoutMs: 1200 });
    expect(await drainBeforeStop(node.deps)).toEqual({ end: 'timeout', rooms: 2 });
    // It never sleeps past the deadline.
    expect(node.sleeps).toEqual([500, 500, 200]);
    expect(node.now()).toBe(1200);
    expect(node.lines.at(-1)).toMatchObject({
      level: 'info',
      message: 'drain ended (timeout), 2 room(s) left',
    });
  });

  it('does not wait with a timeout of 0', async () => {
    const node = stoppingNode(() => 4, { timeoutMs: 0 });
    expect(await drainBeforeStop(node.deps)).toEqual({ end: 'timeout', rooms: 4 });
    expect(node.started()).toBe(1);
    expect(node.sleeps).toEqual([]);
  });

  it('stops waiting on a second signal', async () => {
    const node = stoppingNode(() => 5);
    node.deps.sleep = async (ms) => {
      node.sleeps.push(ms);
      if (node.sleeps.length === 2) node.interrupt.abort();
    };
    expect(await drainBeforeStop(node.deps)).toEqual({ end: 'interrupted', rooms: 5 });
    expect(node.sleeps).toHaveLength(2);
  });

  it('stops without waiting when the drain cannot start', async () => {
    const node = stoppingNode(() => 1, {
      start: () => Promise.reject(new Error('worker gone')),
    });
    expect(await drainBeforeStop(node.deps)).toEqual({ end: 'failed', rooms: 1 });
    expect(node.sleeps).toEqual([]);
    expect(node.lines.map((l) => l.level)).toEqual(['info', 'error', 'info']);
  });

  it('its own sleep wakes at once on the second signal', async () => {
    const interrupt = new AbortController();
    const ended = drainBeforeStop({
      start: async () => {},
      roomsLeft: () => 1,
      timeoutMs: 3_600_000,
      pollMs: 3_600_000,
      signal: interrupt.signal,
      log: { info: () => {}, error: () => {} },
    });
    await new Promise((r) => setImmediate(r));
    interrupt.abort();
    expect(await ended).toEqual({ end: 'interrupted', rooms: 1 });
  });
});
