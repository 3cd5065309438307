// Fencing: a node that was away longer than its registry record lives (paused,
// stalled, cut off from Redis) may have been counted gone, and signaling then
// opened its rooms on other nodes. Coming back, it must not serve those stale
// rooms: it becomes a new incarnation, drops everything it carried without a
// word (as a restart would), forgets its leases and the replies it kept for
// retries, and closes its connections so every client is greeted anew and
// treats it as restarted. The registry then records the new incarnation:
// signaling sees a new, empty node.
import { randomUUID } from 'node:crypto';
import type { RegistryLapse } from './registry.js';

export interface FenceDeps {
  /** The incarnation the node started as. */
  incarnation: string;
  /** Closes every connection of the internal endpoint (their clients reconnect). */
  dropConnections(): void;
  /** Forgets the replies kept for retried request ids (they name the old objects). */
  forgetReplies(): void;
  /** Drops every room, peer, pipe and lease; answers how many rooms it dropped. */
  dropState(): number;
  log: { warn(fields: object, message: string): void };
  newIncarnation?: () => string;
}

export interface Fence {
  /** The incarnation in force. */
  incarnation(): string;
  /** Fences the node now; answers its new incarnation. */
  fence(lapse: RegistryLapse): string;
}

export function createFence(deps: FenceDeps): Fence {
  const newIncarnation = deps.newIncarnation ?? randomUUID;
  let current = deps.incarnation;
  return {
    incarnation: () => current,
    fence(lapse) {
      const previous = current;
      // First: from here on, a call on an older connection is refused.
      current = newIncarnation();
      deps.dropConnections();
      deps.forgetReplies();
      const rooms = deps.dropState();
      const awayMs = Math.round(lapse.awayMs);
      deps.log.warn(
        {
          cause: lapse.cause,
          awayMs,
          boundMs: lapse.boundMs,
          rooms,
          previous,
          incarnation: current,
        },
        `fenced: away for ${awayMs} ms (bound ${lapse.boundMs} ms), rooms dropped ${rooms}, new incarnation ${current}`,
      );
      return current;
    },
  };
}
