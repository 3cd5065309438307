// Replies by request id, so a request sent again — after a timeout, or a
// reply lost with a dropped connection — runs once: a repeated id still in
// flight joins it, a settled one gets the same reply. Bounded in count and
// age; retryable failures are not kept, so their retry really runs again.
import type { CallReply } from '../api/wire.js';

export interface ReplyCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  method: string;
  at: number;
  reply: Promise<CallReply>;
}

export interface ReplyCache {
  /**
   * The reply for `id`: the one already given (or pending) for it, or the
   * result of `run`. A repeated id naming another method is refused.
   */
  reply(id: string, method: string, run: () => Promise<CallReply>): Promise<CallReply>;
  /** Forgets every reply (the node fenced itself: they name objects it dropped). */
  clear(): void;
  readonly size: number;
}

export function createReplyCache(options: ReplyCacheOptions): ReplyCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function evict(): void {
    const oldest = now() - options.ttlMs;
    // Map keeps insertion order, so the oldest entries come first.
    for (const [id, entry] of entries) {
      if (entries.size <= options.maxEntries && entry.at >= oldest) break;
      entries.delete(id);
    }
  }

  return {
    reply(id, method, run) {
      const existing = entries.get(id);
      if (existing && existing.at >= now() - options.ttlMs) {
        if (existing.method === method) return existing.reply;
        return Promise.resolve({
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: `request id ${id} was already used for ${existing.method}`,
            retryable: false,
          },
        });
      }
      const entry: Entry = { method, at: now(), reply: run() };
      entries.delete(id);
      entries.set(id, entry);
      evict();
      void entry.reply.then((settled) => {
        if (!settled.ok && settled.error.retryable && entries.get(id) === entry) {
          entries.delete(id);
        }
      });
      return entry.reply;
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
