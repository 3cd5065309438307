// `npm run load` checks itself: a small load against a deployment of its own
// (the build, embedded), bots in separate processes speaking WebRTC through
// the normal signaling path. What an operator relies on when reading its
// table: every bot joins, every participant receives every publisher's
// microphone and camera at the layer its tile asks for, the SFU counts the
// same consumers, the media is genuine SRTP, and publishers answer the SFU's
// key-frame requests.
import { describe, expect, it } from 'vitest';
import { loadArgsSchema } from '../load/args.js';
import { runLoad } from '../load/run.js';

describe('the load generator', () => {
  it('runs a meeting of bots that publish simulcast and receive as the client does', async () => {
    const lines: string[] = [];
    const result = await runLoad(
      loadArgsSchema.parse({ rooms: 1, publishers: 2, subscribers: 2, duration: 4, joinRate: 20 }),
      (line) => lines.push(line),
    );
    const w = result.window;
    expect(w.bots).toBe(4);
    expect(w.failed).toBe(0);
    expect(w.publishers).toBe(2);
    // Subscribers: 2 publishers × (mic + camera); publishers: the other one's.
    const expected = 2 * 4 + 2 * 2;
    expect(w.consumers).toBe(expected);
    expect(w.flowing).toBe(expected);
    // Three others on a page of 9 in a 1280-pixel window: two columns of
    // 640 px, the top layer; every camera shown.
    expect(w.layers).toEqual([0, 0, 6]);
    const server = w.servers[0]!;
    expect(server.consumers).toBe(expected);
    expect(server.producers).toBe(4);
    expect(w.receivedMbps).toBeGreaterThan(0);
    expect(w.sentMbps).toBeGreaterThan(0);
    expect(w.verified).toBeGreaterThan(0);
    expect(w.forged).toBe(0);
    expect(result.whole.keyframeRequests).toBeGreaterThan(0);
    expect(result.whole.join.count).toBe(4);
    expect(result.whole.firstMedia.count).toBe(4);
    expect(lines.some((l) => l.startsWith('target: embedded'))).toBe(true);
  }, 180_000);
});
