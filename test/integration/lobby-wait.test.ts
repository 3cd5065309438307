// Waiting in a lobby with room state in Redis: a guest early for a late host
// keeps the room alive in shared state however long the room's TTL (made
// short here), and is let in when the host comes; nobody waits longer than
// the lobby allows, and whoever waited too long is told they were refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const ROOM_TTL_MS = 600;

describe('lobby waits (room state in Redis)', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const start = async (lobbyMaxWaitMs?: number) => {
    const server = await startTestServer({
      mode: 'production',
      adHocRooms: true,
      sfu,
      redis: { url: redis.url, prefix: redis.prefix, heartbeatMs: 100, roomTtlMs: ROOM_TTL_MS },
      ...(lobbyMaxWaitMs === undefined ? {} : { lobbyMaxWaitMs }),
    });
    servers.push(server);
    return server;
  };
  const connect = async (server: TestServer, sub: string, role: 'staff' | 'admin' = 'staff') => {
    const token = await server.staffToken({ sub, name: sub, role });
    const c = await connectClient(server.url, { auth: { token } });
    clients.push(c);
    return c;
  };
  const enter = (c: TestClient, room: string) =>
    c.request('join', { room, displayName: 'x', protocolVersion: PROTOCOL_VERSION });

  beforeAll(async () => {
    redis = await startTestRedis();
    sfu = await startTestSfu();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of servers) await s.close();
    await sfu?.close();
    await redis?.stop();
  });

  it('a guest early for a late host keeps the lobby-only room alive and is admitted', async () => {
    const server = await start();
    const guest = await connect(server, 'early-guest');
    const waiting = await enter(guest, 'late-host');
    expect(waiting.status).toBe('lobby');
    const client = await redis.client();
    const key = `${redis.prefix}room:late-host`;
    // The room's time to live is renewed while the guest waits (unrenewed,
    // it only falls until the room is gone with the guest in it).
    for (let renewals = 0; renewals < 3; renewals++) {
      let lowest = await client.pTTL(key);
      await waitFor(async () => {
        const ttl = await client.pTTL(key);
        const renewed = ttl > lowest;
        lowest = Math.min(lowest, ttl);
        return renewed;
      }, 'the waiting room is kept alive');
    }
    const host = await connect(server, 'the-host', 'admin');
    const hostJoin = await host.join('late-host', 'Host');
    expect(hostJoin.lobby).toEqual([expect.objectContaining({ peerId: waiting.peerId })]);
    await host.request('admit', { peerId: waiting.peerId });
    expect(await guest.next('lobbyDecision')).toEqual({ admitted: true });
    expect((await guest.join('late-host', 'x')).peerId).toBe(waiting.peerId);
  });

  it('nobody waits longer than the lobby allows: they are refused, and the host sees it', async () => {
    const server = await start(300);
    const host = await connect(server, 'patient-host', 'admin');
    await host.join('long-wait', 'Host');
    await host.request('setLobby', { enabled: true });
    const guest = await connect(server, 'long-waiter');
    const disconnected = new Promise((resolve) => guest.socket.once('disconnect', resolve));
    const waiting = await enter(guest, 'long-wait');
    expect(waiting.status).toBe('lobby');
    await host.next('lobbyChanged', (p) => p.lobby.length === 1);
    expect(await guest.next('lobbyDecision')).toEqual({ admitted: false });
    await disconnected;
    await host.next('lobbyChanged', (p) => p.lobby.length === 0);
  });
});
