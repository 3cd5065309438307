// Passcode guessing is limited per client address across the deployment, not
// per node: two signaling nodes sharing one Redis share one budget, so two
// nodes do not give twice the guesses. Right passcodes do not spend it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { createRedisAttemptLimiter } from '../../signaling/rooms/attemptLimiter.js';
import { createRedisStateStore } from '../../signaling/rooms/redisStateStore.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('passcode attempts, two nodes sharing one Redis', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  /** A visitor from `address` (the servers trust the forwarded address, as behind a proxy). */
  const visitor = async (server: TestServer, address: string) => {
    const c = await connectClient(server.url, { headers: { 'x-forwarded-for': address } });
    clients.push(c);
    return c;
  };
  const attempt = async (server: TestServer, address: string, room: string, passcode: string) => {
    const reply = await (
      await visitor(server, address)
    ).send('join', { room, displayName: 'Visitor', protocolVersion: PROTOCOL_VERSION, passcode });
    return reply.ok ? reply.data.status : reply.error.code;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    const node = async () =>
      startTestServer({
        trustProxy: true,
        store: createRedisStateStore(await redis.client(), redis.prefix),
        passcodeAttempts: createRedisAttemptLimiter(await redis.client(), redis.prefix),
      });
    a = await node();
    b = await node();
    const host = await visitor(a, '192.0.2.1');
    await host.join('safe', 'Host');
    await host.request('setPasscode', { passcode: '1357' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('wrong passcodes on one node count against the other', async () => {
    const guesser = '198.51.100.7';
    for (const guess of ['0000', '1111', '2222']) {
      expect(await attempt(a, guesser, 'safe', guess)).toBe('PASSCODE_INVALID');
    }
    for (const guess of ['3333', '4444']) {
      expect(await attempt(b, guesser, 'safe', guess)).toBe('PASSCODE_INVALID');
    }
    // Five spent across the two nodes: the sixth is refused on either, even if right.
    expect(await attempt(b, guesser, 'safe', '5555')).toBe('RATE_LIMITED');
    expect(await attempt(a, guesser, 'safe', '1357')).toBe('RATE_LIMITED');
    // Another address has its own budget.
    expect(await attempt(b, '198.51.100.8', 'safe', '1357')).toBe('joined');
  });

  it('right passcodes cost nothing: an office behind one address all gets in', async () => {
    const office = '203.0.113.5';
    for (let i = 0; i < 6; i++) {
      expect(await attempt(i % 2 === 0 ? a : b, office, 'safe', '1357')).toBe('joined');
    }
    for (let i = 0; i < 5; i++) {
      expect(await attempt(i % 2 === 0 ? b : a, office, 'safe', '9999')).toBe('PASSCODE_INVALID');
    }
    expect(await attempt(a, office, 'safe', '9999')).toBe('RATE_LIMITED');
  });
});
