// The node's reply cache: a repeated request id gets the first reply (joined
// while it runs), within a bounded count and age; a retryable failure is not
// kept, so its retry runs again.
import { describe, expect, it } from 'vitest';
import type { CallReply } from '../../../sfu/api/wire.js';
import { createReplyCache } from '../../../sfu/node/replyCache.js';

const ok = (data: unknown): CallReply => ({ ok: true, data });
const unavailable: CallReply = {
  ok: false,
  error: { code: 'SFU_UNAVAILABLE', message: 'no worker', retryable: true },
};

describe('reply cache', () => {
  it('runs a repeated id once, joining it while it runs', async () => {
    const cache = createReplyCache({ maxEntries: 10, ttlMs: 1000 });
    let runs = 0;
    let finish: (reply: CallReply) => void = () => undefined;
    const run = () => {
      runs += 1;
      return new Promise<CallReply>((resolve) => (finish = resolve));
    };
    const first = cache.reply('a', 'produce', run);
    const joined = cache.reply('a', 'produce', run);
    finish(ok(1));
    expect(await first).toEqual(ok(1));
    expect(await joined).toEqual(ok(1));
    expect(await cache.reply('a', 'produce', run)).toEqual(ok(1));
    expect(runs).toBe(1);
    expect(await cache.reply('a', 'consume', run)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('forgets replies past their age or beyond its size', async () => {
    let now = 0;
    const cache = createReplyCache({ maxEntries: 2, ttlMs: 1000, now: () => now });
    let runs = 0;
    const run = async () => ok(++runs);
    await cache.reply('a', 'm', run);
    now = 1001;
    expect(await cache.reply('a', 'm', run)).toEqual(ok(2)); // too old: runs again
    await cache.reply('b', 'm', run);
    await cache.reply('c', 'm', run);
    expect(cache.size).toBe(2);
    expect(await cache.reply('a', 'm', run)).toEqual(ok(5)); // pushed out by b and c
  });

  it('does not keep a retryable failure', async () => {
    const cache = createReplyCache({ maxEntries: 10, ttlMs: 1000 });
    const replies = [unavailable, ok('done')];
    const run = async () => replies.shift()!;
    expect(await cache.reply('a', 'm', run)).toEqual(unavailable);
    expect(await cache.reply('a', 'm', run)).toEqual(ok('done'));
    expect(await cache.reply('a', 'm', run)).toEqual(ok('done'));
  });
});
