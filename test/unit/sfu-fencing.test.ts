// When an SFU node has been away too long to trust its registry record, and
// what fencing itself does. The clock is the test's: a pause is the clock
// moving without a renewal.
import { describe, expect, it } from 'vitest';
import { createFence } from '../../sfu/node/fence.js';
import { createRenewalWatch } from '../../sfu/node/renewalWatch.js';

/** Three beats of 300 ms: the record's lifetime in the cluster tests. */
const BOUND_MS = 900;

function clocked() {
  let at = 1_000;
  const watch = createRenewalWatch(BOUND_MS, () => at);
  return {
    watch,
    advance: (ms: number) => void (at += ms),
    at: () => at,
  };
}

describe('the away-too-long decision', () => {
  it('a node renewing every beat is never away too long', () => {
    const { watch, advance, at } = clocked();
    for (let beat = 0; beat < 20; beat += 1) {
      watch.renewed(at());
      advance(300);
      expect(watch.overdue()).toBeUndefined();
    }
  });

  it('a pause past the bound since the last renewal is away too long, with how long', () => {
    const { watch, advance, at } = clocked();
    watch.renewed(at());
    advance(BOUND_MS);
    expect(watch.overdue()).toBeUndefined(); // the record still lives at its lifetime's end
    advance(1);
    expect(watch.overdue()).toBe(BOUND_MS + 1);
    advance(2_099);
    expect(watch.overdue()).toBe(3_000);
  });

  it('failed renewals do not count: beats that never reach Redis end in a lapse', () => {
    const { watch, advance, at } = clocked();
    watch.renewed(at());
    // Three beats whose writes failed: nothing renewed.
    for (let beat = 0; beat < 3; beat += 1) advance(300);
    expect(watch.overdue()).toBeUndefined();
    advance(300);
    expect(watch.overdue()).toBe(1_200);
  });

  it('a renewal counts from when it was sent, however late it was acknowledged', () => {
    const { watch, advance, at } = clocked();
    watch.renewed(at());
    advance(500);
    const sent = at();
    advance(600); // Redis answers slowly
    watch.renewed(sent);
    expect(watch.overdue()).toBeUndefined();
    advance(BOUND_MS - 600 + 1);
    expect(watch.overdue()).toBe(BOUND_MS + 1);
    // An older acknowledgement arriving last does not move the renewal back.
    watch.renewed(sent - 400);
    expect(watch.overdue()).toBe(BOUND_MS + 1);
  });

  it('a node not registered yet (or just fenced) is never away: there is no record to lapse', () => {
    const { watch, advance, at } = clocked();
    expect(watch.registered()).toBe(false);
    advance(10_000);
    expect(watch.overdue()).toBeUndefined();
    watch.renewed(at());
    advance(5_000);
    expect(watch.overdue()).toBe(5_000);
    watch.forget();
    expect(watch.registered()).toBe(false);
    expect(watch.overdue()).toBeUndefined();
    expect(watch.since()).toBeUndefined();
  });
});

describe('fencing', () => {
  function fencedNode(rooms: number) {
    const steps: string[] = [];
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    let next = 0;
    const fence = createFence({
      incarnation: 'first',
      newIncarnation: () => `fresh-${(next += 1)}`,
      dropConnections: () => void steps.push(`connections dropped as ${fence.incarnation()}`),
      forgetReplies: () => void steps.push('replies forgotten'),
      dropState: () => {
        steps.push(`state dropped as ${fence.incarnation()}`);
        return rooms;
      },
      log: { warn: (fields, message) => void lines.push({ fields: { ...fields }, message }) },
    });
    return { fence, steps, lines };
  }

  it('takes a new incarnation before anything else, then drops connections, replies and rooms', () => {
    const { fence, steps, lines } = fencedNode(3);
    expect(fence.incarnation()).toBe('first');
    const incarnation = fence.fence({ cause: 'late', awayMs: 3_012.6, boundMs: 900 });
    expect(incarnation).toBe('fresh-1');
    expect(fence.incarnation()).toBe('fresh-1');
    expect(steps).toEqual([
      'connections dropped as fresh-1',
      'replies forgotten',
      'state dropped as fresh-1',
    ]);
    expect(lines).toEqual([
      {
        message:
          'fenced: away for 3013 ms (bound 900 ms), rooms dropped 3, new incarnation fresh-1',
        fields: {
          cause: 'late',
          awayMs: 3013,
          boundMs: 900,
          rooms: 3,
          previous: 'first',
          incarnation: 'fresh-1',
        },
      },
    ]);
  });

  it('every fence is a new incarnation', () => {
    const { fence } = fencedNode(0);
    const first = fence.fence({ cause: 'expired', awayMs: 100, boundMs: 900 });
    const second = fence.fence({ cause: 'replaced', awayMs: 100, boundMs: 900 });
    expect(new Set(['first', first, second]).size).toBe(3);
  });
});
