// A media path lost while signaling stays up: a short drop recovers by
// itself, a lasting one or a failed one gets an ICE restart, and when even
// that does not bring the path back in time the media are rebuilt — once.
import { describe, expect, it } from 'vitest';
import { createIceRecovery } from '../../web/src/media/iceRecovery.js';

function harness(restartResult: 'ok' | 'fail' = 'ok') {
  const timers = new Map<number, { run: () => void; at: number }>();
  let now = 0;
  let next = 1;
  const events: string[] = [];
  const recovery = createIceRecovery({
    restart: async () => {
      events.push(`restart@${now}`);
      if (restartResult === 'fail') throw new Error('SFU_ERROR');
    },
    onStuck: () => events.push(`stuck@${now}`),
    graceMs: 2_000,
    boundMs: 8_000,
    setTimer: (run, ms) => {
      timers.set(next, { run, at: now + ms });
      return next++;
    },
    clearTimer: (timer) => timers.delete(timer as number),
  });
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
      await Promise.resolve();
    }
    now = until;
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { recovery, events, advance, pending: () => timers.size };
}

describe('media path recovery', () => {
  it('lets a short drop recover by itself, without a restart', async () => {
    const { recovery, events, advance, pending } = harness();
    recovery.state('disconnected');
    await advance(1_500);
    recovery.state('connected');
    await advance(20_000);
    expect(events).toEqual([]);
    expect(pending()).toBe(0);
  });

  it('restarts ICE when a drop lasts past the grace, and is done once connected', async () => {
    const { recovery, events, advance } = harness();
    recovery.state('disconnected');
    await advance(2_000);
    expect(events).toEqual(['restart@2000']);
    recovery.state('connected');
    await advance(20_000);
    expect(events).toEqual(['restart@2000']);
  });

  it('restarts at once when the path failed', async () => {
    const { recovery, events, advance } = harness();
    recovery.state('failed');
    await advance(0);
    expect(events).toEqual(['restart@0']);
  });

  it('rebuilds the media once when the restart does not bring the path back in time', async () => {
    const { recovery, events, advance } = harness();
    recovery.state('disconnected');
    await advance(2_000);
    recovery.state('failed');
    await advance(8_000);
    expect(events).toEqual(['restart@2000', 'stuck@10000']);
    // Whatever the dead transport reports afterwards changes nothing.
    recovery.state('failed');
    recovery.state('disconnected');
    await advance(30_000);
    expect(events).toEqual(['restart@2000', 'stuck@10000']);
  });

  it('rebuilds when the server could not restart ICE either', async () => {
    const { recovery, events, advance } = harness('fail');
    recovery.state('failed');
    await advance(8_000);
    expect(events).toEqual(['restart@0', 'stuck@8000']);
  });

  it('does nothing more once its transport closed', async () => {
    const { recovery, events, advance, pending } = harness();
    recovery.state('disconnected');
    recovery.close();
    await advance(30_000);
    expect(events).toEqual([]);
    expect(pending()).toBe(0);
  });
});
