// Participants get the deployment's TURN server with short-lived credentials
// in the join reply, and new ones with every transport and ICE restart
// (coturn checks them only when a relay is allocated, so a transport rebuilt
// an hour later must not carry stale ones). The credentials are what coturn
// accepts for the shared secret, and they never reach the logs.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../signaling/core/logger.js';
import { turnPassword } from '../../signaling/turn/credentials.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

const SECRET = 'turn-credentials-test-secret-32-chars-long';
const URLS = ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.veche.test:443?transport=tcp'];

describe('TURN credentials for participants', () => {
  let server: TestServer;
  let client: TestClient;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer({
      turnEnv: { TURN_URLS: URLS.join(','), TURN_SECRET: SECRET, TURN_TTL_SECONDS: '600' },
      log: createLogger('trace', sink),
    });
    client = await connectClient(server.url);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  const seen: { username: string; credential: string }[] = [];
  const checkServers = (servers: { urls: string[]; username: string; credential: string }[]) => {
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server?.urls).toEqual(URLS);
    const [expiry] = (server?.username ?? '').split(':');
    const ttl = Number(expiry) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    // What coturn computes for use-auth-secret.
    expect(server?.credential).toBe(turnPassword(SECRET, server?.username ?? ''));
    expect(seen.map((s) => s.username)).not.toContain(server?.username);
    if (server) seen.push(server);
  };

  it('come with the join reply, every new transport and every ICE restart, new each time', async () => {
    const joined = await client.join('relay-room', 'Анна');
    checkServers(joined.iceServers ?? []);
    const send = await client.request('createTransport', { direction: 'send' });
    checkServers(send.iceServers ?? []);
    const recv = await client.request('createTransport', { direction: 'recv' });
    checkServers(recv.iceServers ?? []);
    const restarted = await client.request('restartIce', { transportId: recv.id });
    expect(restarted.iceParameters.usernameFragment).not.toBe(recv.iceParameters.usernameFragment);
    checkServers(restarted.iceServers ?? []);
    expect(seen).toHaveLength(4);
  });

  it('never reach the logs', () => {
    const log = lines.join('');
    expect(log).toContain('peer joined');
    for (const { username, credential } of seen) {
      expect(log).not.toContain(username.split(':')[1]);
      expect(log).not.toContain(credential);
    }
  });

  it('are not given where no TURN server is configured', async () => {
    const plain = await startTestServer();
    const other = await connectClient(plain.url);
    try {
      const joined = await other.join('no-relay', 'Борис');
      expect(joined.iceServers).toBeUndefined();
      const send = await other.request('createTransport', { direction: 'send' });
      expect(send.iceServers).toBeUndefined();
    } finally {
      other.close();
      await plain.close();
    }
  });
});
