// Taking a signaling node out of service without cutting anyone off. Once
// draining, the node says it is not ready (a balancer stops sending it new
// connections), refuses the connections that still arrive, and asks every
// client it serves to reconnect: through the deployment's address they reach
// another node and resume there, which adopts their SFU peers, so their media
// never stops. The drain is over when the last client has gone, at the
// deadline, or when the operator says not to wait (a second signal).
import type { Logger } from '../core/logger.js';

/** Why a drain stopped waiting. */
export type DrainEnd = 'empty' | 'deadline' | 'interrupted';

export interface DrainOutcome {
  end: DrainEnd;
  /** Connections when the drain began. */
  clients: number;
  /** Connections still open when it stopped waiting. */
  remaining: number;
  durationMs: number;
}

export interface DrainPorts {
  /** The connections this node serves now (not those of other nodes). */
  connections(): number;
  /** Participants in rooms among them, for the log. */
  participants(): number;
  /** Asks every connection of this node to reconnect elsewhere and resume. */
  askAllToMove(): void;
  log: Logger;
}

export interface DrainOptions {
  /** Stop waiting for clients after this long. */
  deadlineMs: number;
  /** Aborted: stop waiting now. */
  signal?: AbortSignal;
}

export interface Drain {
  /** True from the drain's start: not ready, new connections refused. */
  readonly draining: boolean;
  /** Tells the drain that one of this node's connections closed. */
  connectionClosed(): void;
  /**
   * Starts draining and resolves when no connection is left, at the
   * deadline, or when `signal` aborts. Started once; later calls get the
   * same outcome.
   */
  run(options: DrainOptions): Promise<DrainOutcome>;
}

export function createDrain(ports: DrainPorts): Drain {
  let draining = false;
  let running: Promise<DrainOutcome> | undefined;
  let check: (() => void) | undefined;

  function drain(options: DrainOptions): Promise<DrainOutcome> {
    const started = performance.now();
    const clients = ports.connections();
    ports.log.info(
      {
        clients,
        participants: ports.participants(),
        deadlineSeconds: Math.round(options.deadlineMs / 1000),
      },
      'draining: not ready, refusing new connections, asking clients to reconnect elsewhere',
    );
    ports.askAllToMove();
    return new Promise<DrainOutcome>((resolve) => {
      let done = false;
      const finish = (end: DrainEnd) => {
        if (done) return;
        done = true;
        check = undefined;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', interrupt);
        const outcome: DrainOutcome = {
          end,
          clients,
          remaining: ports.connections(),
          durationMs: Math.round(performance.now() - started),
        };
        ports.log.info(outcome, 'drain over');
        resolve(outcome);
      };
      const interrupt = () => finish('interrupted');
      const timer = setTimeout(() => finish('deadline'), options.deadlineMs);
      check = () => {
        if (ports.connections() === 0) finish('empty');
      };
      if (options.signal?.aborted) return interrupt();
      options.signal?.addEventListener('abort', interrupt, { once: true });
      check();
    });
  }

  return {
    get draining() {
      return draining;
    },
    connectionClosed() {
      check?.();
    },
    run(options) {
      // Set first: connections arriving while clients are told are refused.
      draining = true;
      running ??= drain(options);
      return running;
    },
  };
}
