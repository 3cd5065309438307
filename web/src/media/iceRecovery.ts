// Recovers one transport's media path while signaling stays up. A path that
// stays `disconnected` past a short grace, or `failed`, gets an ICE restart
// (new ICE credentials and new TURN credentials: coturn checks them only when
// allocating); if it is not `connected` again within a bound, the transports
// are rebuilt (`onStuck`: the mediaReset path, done by the client itself).
import type { types } from 'mediasoup-client';

/** How long a `disconnected` path may recover by itself before an ICE restart. */
export const DISCONNECTED_GRACE_MS = 500;
/** How long an ICE restart may take before the transports are rebuilt. */
export const RESTART_BOUND_MS = 8_000;

export interface IceRecoveryOptions {
  /** Asks for new ICE parameters and applies them; rejects when that failed. */
  restart(): Promise<void>;
  /** The restart did not bring the path back within the bound. */
  onStuck(): void;
  graceMs?: number;
  boundMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface IceRecovery {
  /** The transport's connection state changed. */
  state(state: types.ConnectionState): void;
  /** The transport closed: no more restarts or rebuilds for it. */
  close(): void;
}

export function createIceRecovery({
  restart,
  onStuck,
  graceMs = DISCONNECTED_GRACE_MS,
  boundMs = RESTART_BOUND_MS,
  setTimer = (run, ms) => setTimeout(run, ms),
  clearTimer = (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
}: IceRecoveryOptions): IceRecovery {
  let grace: unknown;
  let bound: unknown;
  let restarting = false;
  let closed = false;
  const clear = () => {
    if (grace !== undefined) clearTimer(grace);
    if (bound !== undefined) clearTimer(bound);
    grace = bound = undefined;
  };

  function restartNow(): void {
    // One restart per lost path: while its bound runs, later reports wait for it.
    if (restarting || bound !== undefined || closed) return;
    restarting = true;
    if (grace !== undefined) clearTimer(grace);
    grace = undefined;
    bound = setTimer(() => {
      bound = undefined;
      if (closed) return;
      closed = true;
      onStuck();
    }, boundMs);
    restart()
      .catch((error: unknown) => console.warn('ICE restart failed', error))
      .finally(() => {
        restarting = false;
      });
  }

  return {
    state(state) {
      if (closed) return;
      if (state === 'connected') {
        clear();
      } else if (state === 'failed') {
        restartNow();
      } else if (state === 'disconnected' && grace === undefined && bound === undefined) {
        grace = setTimer(() => {
          grace = undefined;
          restartNow();
        }, graceMs);
      }
    },
    close() {
      closed = true;
      clear();
    },
  };
}
