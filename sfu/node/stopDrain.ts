// What SIGTERM does before the node stops: it drains with migration (its
// rooms close as `migrated`, so signaling moves their participants to other
// nodes), then waits until it carries no rooms or SFU_DRAIN_TIMEOUT_SECONDS
// passed. A second signal cuts the wait short.

/** How often the node looks at the rooms it still carries, ms. */
export const DRAIN_POLL_MS = 500;

/** Why the wait ended: no rooms left, the timeout, a second signal, or the drain could not start. */
export type DrainEnd = 'empty' | 'timeout' | 'interrupted' | 'failed';

export interface StopDrainDeps {
  /** Starts the drain with migration (setNodeDraining). */
  start(): Promise<void>;
  /** How many rooms the node carries now. */
  roomsLeft(): number;
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by a second SIGTERM/SIGINT. */
  signal: AbortSignal;
  log: {
    info(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Drains, waits, and says how it ended (one log line each for the start and the end). */
export async function drainBeforeStop(
  deps: StopDrainDeps,
): Promise<{ end: DrainEnd; rooms: number }> {
  const { timeoutMs, signal, log } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const pollMs = deps.pollMs ?? DRAIN_POLL_MS;
  const started = now();
  log.info(
    { rooms: deps.roomsLeft(), timeoutSeconds: timeoutMs / 1000 },
    'draining before stopping: rooms move to other nodes (a second signal stops at once)',
  );
  const finish = (end: DrainEnd) => {
    const rooms = deps.roomsLeft();
    const fields = { end, rooms, seconds: Math.round((now() - started) / 1000) };
    log.info(fields, `drain ended (${end}), ${rooms} room(s) left`);
    return { end, rooms };
  };
  try {
    await deps.start();
  } catch (error) {
    // Nothing would move: waiting could only run out the timeout.
    log.error({ err: error }, 'the drain could not start');
    return finish('failed');
  }
  for (;;) {
    if (signal.aborted) return finish('interrupted');
    if (deps.roomsLeft() === 0) return finish('empty');
    const remaining = started + timeoutMs - now();
    if (remaining <= 0) return finish('timeout');
    await sleep(Math.min(pollMs, remaining), signal);
  }
}
