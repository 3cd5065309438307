// The SFU's worker pool with real mediasoup workers: a dead worker is
// replaced even when the first attempts fail, callers waiting meanwhile hold
// one timer each and nothing more, and a taken media port is named at start.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import type { SfuLogger } from '../../sfu/core/logger.js';
import {
  DEFAULT_CONSUMERS_PER_WORKER,
  embeddedPipeOptions,
  type SfuOptions,
} from '../../sfu/core/options.js';
import {
  createWorkerPool,
  MEDIA_SOCKET_BUFFER_BYTES,
  type WorkerPool,
} from '../../sfu/core/workerPool.js';
import { freePort } from '../harness/ports.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const run = promisify(execFile);

const options: SfuOptions = {
  workers: 1,
  rtcPort: 0,
  listenIp: '127.0.0.1',
  announcedAddress: undefined,
  workerLogLevel: 'warn',
  initialAvailableOutgoingBitrate: 1_000_000,
  pipe: embeddedPipeOptions(),
  consumersPerWorker: DEFAULT_CONSUMERS_PER_WORKER,
};

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps what it is given, for asserting on what an operator would read. */
function recordingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): SfuLogger {
  const at =
    (level: LogLine['level']) =>
    (fields: object, msg?: string): void => {
      lines.push({ level, fields: { ...bindings, ...fields }, msg });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

/** mediasoup's own worker start, except that the next `failures` attempts fail. */
function flakyWorkerStart() {
  const state = { calls: 0, failures: 0 };
  const createWorker = async (settings: types.WorkerSettings) => {
    state.calls += 1;
    if (state.failures > 0) {
      state.failures -= 1;
      throw new Error('cannot start a mediasoup worker right now');
    }
    return mediasoup.createWorker(settings);
  };
  return { state, createWorker };
}

function died(pool: WorkerPool) {
  return new Promise<{ index: number; pid: number; replaced: boolean }>((resolve) =>
    pool.onWorkerDied(resolve),
  );
}

describe('worker pool', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('retries a failed replacement until a worker runs again', async () => {
    const lines: LogLine[] = [];
    const flaky = flakyWorkerStart();
    const pool = await createWorkerPool(options, recordingLogger(lines), {
      createWorker: flaky.createWorker,
      retryDelayMs: 1,
    });
    cleanup.push(() => pool.close());
    const first = pool.all()[0]!;
    const death = died(pool);
    flaky.state.failures = 9;
    process.kill(first.worker.pid, 'SIGKILL');
    expect(await death).toEqual({ index: 0, pid: first.worker.pid, replaced: false });

    const next = await pool.pickWorker();
    expect(next.worker.pid).not.toBe(first.worker.pid);
    expect(next.worker.closed).toBe(false);
    // The initial start, nine failures, then the replacement that worked.
    expect(flaky.state.calls).toBe(11);
    // A long outage is not one log line per attempt: attempts 1, 2, 4 and 8.
    const failures = lines.filter((l) => l.msg?.startsWith('could not replace'));
    expect(failures.map((l) => l.fields.attempt)).toEqual([1, 2, 4, 8]);
    expect(lines.some((l) => l.msg === 'mediasoup worker replaced')).toBe(true);
  });

  it('a caller waiting for a replacement holds one waiter and one timer', async () => {
    let holdNext = false;
    let release: (() => void) | undefined;
    const pool = await createWorkerPool(options, recordingLogger([]), {
      createWorker: async (settings) => {
        if (holdNext) {
          // The replacement: held until the test lets it go.
          holdNext = false;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return mediasoup.createWorker(settings);
      },
    });
    cleanup.push(() => pool.close());
    const first = pool.all()[0]!;
    holdNext = true;
    process.kill(first.worker.pid, 'SIGKILL');
    await waitFor(() => release !== undefined, 'the replacement to start');

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const picking = pool.pickWorker();
    // Well past the old 250 ms polling period, well within the 10 s wait.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(pool.waiters()).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.useRealTimers();

    release!();
    const next = await picking;
    expect(next.worker.pid).not.toBe(first.worker.pid);
    expect(pool.waiters()).toBe(0);
  });

  it('names RTC_PORT when another process holds the media port', async () => {
    const port = await freePort();
    let first: TestSfu | undefined = await startTestSfu({ rtcPort: port });
    cleanup.push(async () => {
      await first?.close();
      first = undefined;
    });
    const started: types.Worker[] = [];
    const onWorker = (worker: types.Worker) => started.push(worker);
    mediasoup.observer.on('newworker', onWorker);
    cleanup.push(async () => {
      mediasoup.observer.off('newworker', onWorker);
    });

    const second = await startTestSfu({ rtcPort: port }).then(
      async (sfu) => {
        await sfu.close();
        return 'started';
      },
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(SfuError);
    expect(second).toMatchObject({
      code: 'PORT_IN_USE',
      message: `RTC_PORT ${port} (UDP/TCP) is already in use by another process; set RTC_PORT to a free port`,
    });
    // The second SFU's worker did not stay behind.
    await waitFor(() => started.every((w) => w.closed), 'the refused worker to close');
  });

  it('gives the media port a receive buffer for bursts from every participant', async () => {
    // One UDP socket per worker takes every participant's packets: at the
    // kernel's default buffer (about 200 KiB, some 90 packets) a worker held
    // up for a moment by the scheduler drops the lot. The kernel caps the
    // request at net.core.rmem_max and reports double what it grants.
    const port = await freePort();
    const sfu = await startTestSfu({ rtcPort: port });
    cleanup.push(() => sfu.close());
    const { stdout } = await run('ss', ['-u', '-a', '-m', '-n', `sport = :${port}`]);
    const granted = Number(/rb(\d+)/.exec(stdout)?.[1]);
    const ceiling = Number((await readFile('/proc/sys/net/core/rmem_max', 'utf8')).trim());
    expect(granted).toBeGreaterThanOrEqual(2 * Math.min(ceiling, MEDIA_SOCKET_BUFFER_BYTES));
  });
});
