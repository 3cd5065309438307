// DNS rebinding: a page on a name the attacker controls, resolving to this
// server, must reach neither socket.io nor the web client and the API. Only
// PUBLIC_URL, the address a connection arrived on, and loopback names (on a
// loopback connection) are names this server serves.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

const PUBLIC_URL = 'https://veche.example';

function get(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('served names and origins', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (headers: Record<string, string>) => {
    const client = await connectClient(server.url, { headers });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: PUBLIC_URL });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses a socket from a page on a foreign name that resolves to this server', async () => {
    const evil = `evil.example:${server.port}`;
    await expect(connect({ origin: `http://${evil}`, host: evil })).rejects.toThrow();
    // Its Host alone (a tool, no Origin) is no name this server serves either.
    await expect(connect({ host: evil })).rejects.toThrow();
  });

  it('accepts sockets from this server under localhost, its address and PUBLIC_URL', async () => {
    const port = server.port;
    const cases: Record<string, string>[] = [
      { origin: `http://localhost:${port}`, host: `localhost:${port}` },
      { origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` },
      { origin: PUBLIC_URL, host: 'veche.example' },
      {},
    ];
    for (const headers of cases) {
      expect((await connect(headers)).socket.connected, JSON.stringify(headers)).toBe(true);
    }
  });

  it('refuses an origin on another port of a served name', async () => {
    await expect(
      connect({ origin: `http://localhost:${server.port + 1}`, host: `localhost:${server.port}` }),
    ).rejects.toThrow();
  });

  it('answers 421 to the web client and the API under a foreign Host; health stays reachable', async () => {
    const evil = `evil.example:${server.port}`;
    expect(await get(server.port, '/', evil)).toBe(421);
    expect(await get(server.port, '/media/capabilities', evil)).toBe(421);
    expect(await get(server.port, '/healthz', evil)).toBe(200);
    expect(await get(server.port, '/media/capabilities', `localhost:${server.port}`)).toBe(200);
    expect(await get(server.port, '/media/capabilities', `127.0.0.1:${server.port}`)).toBe(200);
    expect(await get(server.port, '/media/capabilities', 'veche.example')).toBe(200);
  });
});
