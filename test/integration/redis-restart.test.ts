// Redis keeps nothing on disk: restarted mid-meeting, it comes back empty. The
// meeting goes on: the signaling nodes rebuild each room's state from the
// members they serve (roles, raised hands, settings), chat still crosses
// nodes, and a newcomer joins the meeting as it was — not as the host of an
// empty room, which is what the first to arrive in an embedded room becomes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

describe('a Redis restart mid-meeting (two signaling nodes)', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  const connect = async (server: TestServer) => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await startTestRedis({ restartable: true });
    sfu = await startTestSfu();
    const node = () =>
      startTestServer({
        sfu,
        redis: { url: redis.url, prefix: redis.prefix, heartbeatMs: 200 },
      });
    a = await node();
    b = await node();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await sfu?.close();
    await redis?.stop();
  });

  /** Both nodes subscribe to the socket.io adapter's request channel: they are back on the bus. */
  const bothOnTheBus = async () => {
    const probe = await redis.client();
    const channel = `${redis.prefix}io-request#/#`;
    await waitFor(async () => {
      const counts = await probe.pubSubNumSub(channel);
      return counts[channel] === 2;
    }, 'both signaling nodes resubscribe to the adapter’s channels');
  };

  it('each node reconnects to the restarted Redis: shared state and the bus both work', async () => {
    await redis.restart();
    await bothOnTheBus();
    // Shared state: a room opened on one node is the same room on the other.
    const first = await connect(a);
    const opened = await first.join('after-restart', 'First');
    expect(opened.role).toBe('host');
    const second = await connect(b);
    const joined = await second.join('after-restart', 'Second');
    expect(joined.role).toBe('participant');
    expect(joined.peers.map((p) => p.id)).toContain(opened.peerId);
    // The bus: a notification from one node reaches a member of the other.
    await second.request('sendChat', { text: 'across' });
    await first.next('chatMessage', (p) => p.message.text === 'across');
  });
});
