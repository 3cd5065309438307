// The messages between the load's driver and a bot process (Node IPC).
import type { BotSpec } from './bot.js';
import type { BotSummary } from './summary.js';

export type ToHost =
  /**
   * Starts these bots, one after another, at least `intervalMs` apart; one
   * packet in `verifyEvery` of each stream has its SRTP tag checked.
   */
  | { type: 'start'; specs: BotSpec[]; intervalMs: number; verifyEvery: number }
  /** With `drops`, the process also counts its sockets' drops (it reads /proc). */
  | { type: 'snapshot'; id: number; drops: boolean }
  | { type: 'stop' };

export type FromHost =
  | { type: 'ready' }
  | {
      type: 'snapshot';
      id: number;
      bots: BotSummary[];
      /** Bots handed over and not yet started. */
      waiting: number;
      /** CPU time this process has used so far (user + system), ms. */
      cpuMs: number;
      /** Datagrams the kernel dropped at this process's full sockets so far (undefined: unknown). */
      udpDrops: number | undefined;
    }
  | { type: 'fatal'; message: string };
