// What SIGTERM and SIGINT do to a signaling node: it drains first (its
// clients resume on other nodes and keep their media; socket/drain.ts), then
// stops step by step as the composition says, and exits. A second signal
// ends the wait for clients; the steps after it still run, so shared state
// (Redis, the database) is left tidy.
import type { Composition } from './compose.js';
import type { DrainOutcome } from './socket/drain.js';

export interface StopOnSignalsOptions {
  /** How long to wait for clients to move on (SIGNALING_DRAIN_SECONDS). */
  drainMs: number;
  exit: (code: number) => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function stopOnSignals(
  node: Pick<Composition, 'drain' | 'close' | 'log'>,
  options: StopOnSignalsOptions,
): void {
  const { log } = node;
  const impatient = new AbortController();
  let stopping = false;

  async function stop(signal: string): Promise<void> {
    log.info({ signal }, 'shutting down');
    let drained: DrainOutcome | undefined;
    try {
      drained = await node.drain({ deadlineMs: options.drainMs, signal: impatient.signal });
    } catch (error) {
      // Stopping matters more than moving clients first: they come back as after a drop.
      log.error({ err: error }, 'drain failed');
    }
    let ok = false;
    try {
      ok = await node.close();
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
    }
    if (!ok) log.error({}, 'shutdown incomplete; see the steps above');
    const code = ok ? 0 : 1;
    log.info(
      {
        code,
        ...(drained
          ? {
              drain: drained.end,
              clients: drained.clients,
              movedOn: drained.clients - drained.remaining,
              cutOff: drained.remaining,
            }
          : {}),
      },
      'exiting',
    );
    options.exit(code);
  }

  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (!stopping) {
        stopping = true;
        void stop(signal);
      } else if (!impatient.signal.aborted) {
        log.info({ signal }, 'second signal: not waiting for clients any longer');
        impatient.abort();
      }
    });
  }
}
