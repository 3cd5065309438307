// The reverse proxy example (infra/nginx/veche.conf) run for real: Debian's
// nginx with the example's own configuration — only addresses, ports and
// certificate paths replaced — in front of a real signaling node. Browsers'
// traffic goes through it over TLS: the web client, the REST API, socket.io
// over WebSocket. The node sees each client's own address (TRUST_PROXY), not
// a forged one, and /metrics stays off the public address.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { checkServerIdentity } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { makeCertificate } from '../harness/certificate.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { nginxBinary, renderNginxExample, startNginx, type TestNginx } from '../harness/nginx.js';
import { freePort } from '../harness/ports.js';
import { startTestServer, webRoot, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

const example = readFileSync(new URL('../../infra/nginx/veche.conf', import.meta.url), 'utf8');
const noNginx = nginxBinary() === undefined;
if (noNginx)
  console.log('skipped: the nginx example: nginx is not installed (apt-get install nginx)');
const webBuilt = existsSync(join(webRoot, 'index.html'));

/** The address clients connect from: not the proxy's own 127.0.0.1. */
const CLIENT_ADDRESS = '127.0.0.7';
const FORGED = '203.0.113.66';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.skipIf(noNginx)('the nginx example in front of a signaling node', () => {
  let dir: string;
  let ca: string;
  let db: Database;
  let server: TestServer;
  let nginx: TestNginx;
  let httpsPort: number;
  let httpPort: number;
  const clients: TestClient[] = [];
  const origin = () => `https://127.0.0.1:${httpsPort}`;

  /** One HTTPS request through the proxy, from CLIENT_ADDRESS. */
  function viaProxy(
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<Answer> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path,
          method: options.method ?? 'GET',
          ca,
          // The certificate names the proxy's address, whatever Host a test sends.
          checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert),
          localAddress: CLIENT_ADDRESS,
          headers: {
            ...options.headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const staff = { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' };
  const connect = async (options: Parameters<typeof connectClient>[1] = {}) => {
    const client = await connectClient(origin(), {
      ca,
      localAddress: CLIENT_ADDRESS,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const auditRows = async () =>
    (await db.query<{ action: string; ip: string | null }>('SELECT action, ip FROM audit_log'))
      .rows;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veche-proxy-'));
    const certificate = makeCertificate(dir, '127.0.0.1');
    ca = readFileSync(certificate.cert, 'utf8');
    httpsPort = await freePort();
    httpPort = await freePort();
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ db, trustProxy: true, publicUrl: origin() });
    const config = renderNginxExample(example, {
      upstreams: [`127.0.0.1:${server.port}`],
      httpPort,
      httpsPort,
      cert: certificate.cert,
      key: certificate.key,
    });
    nginx = await startNginx(config, httpsPort);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await nginx?.stop();
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!webBuilt)('serves the web client over TLS, and sends plain HTTP there', async () => {
    const page = await viaProxy('/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toContain('text/html');
    expect(page.body.toLowerCase()).toContain('<!doctype html>');
    // The node's own security headers come through.
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");

    const plain = await fetch(`http://127.0.0.1:${httpPort}/r/room`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe(`https://127.0.0.1/r/room`);
  });
  if (!webBuilt) console.log('skipped: the web client through nginx: dist/web is not built');

  it('serves the REST API, and the node records the client, not a forged address', async () => {
    const token = await server.staffToken(staff);
    const listed = await viaProxy('/api/organisations', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({ organisations: [] });

    const created = await viaProxy('/api/rooms', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': FORGED },
      body: { slug: 'proxied-council', name: 'Совет', capacity: 10, lobby: false },
    });
    expect(created.status, created.body).toBe(201);
    expect(await auditRows()).toContainEqual({ action: 'room.create', ip: CLIENT_ADDRESS });
  });

  it('carries socket.io over WebSocket: a client joins a meeting through the proxy', async () => {
    const token = await server.staffToken(staff);
    const host = await connect({
      auth: { token },
      // A browser on PUBLIC_URL sends its origin; a client sends a forged address.
      headers: { origin: origin(), 'x-forwarded-for': FORGED },
    });
    expect(host.socket.io.engine.transport.name).toBe('websocket');
    const joined = await host.join('through-the-proxy', 'Алиса');
    expect(joined.status).toBe('joined');

    const guest = await connect({ headers: { origin: origin() } });
    const guestJoined = await guest.join('through-the-proxy', 'Гость');
    const seen = await host.next('peerJoined', (p) => p.peer.id === guestJoined.peerId);
    expect(seen.peer.displayName).toBe('Гость');

    // What the node records for this socket: the client's own address.
    await host.request('setRoomLock', { locked: true });
    await waitFor(
      async () => (await auditRows()).some((r) => r.action === 'room.lock'),
      'the lock audited',
    );
    const rows = await auditRows();
    expect(rows.filter((r) => r.action === 'room.lock')).toEqual([
      { action: 'room.lock', ip: CLIENT_ADDRESS },
    ]);
    expect(rows.map((r) => r.ip)).not.toContain(FORGED);
    expect(rows.map((r) => r.ip)).not.toContain('127.0.0.1');
  });

  it('keeps the node’s checks: a foreign page or host name is refused through the proxy', async () => {
    await expect(connect({ headers: { origin: 'https://evil.example' } })).rejects.toThrow();
    const foreign = await viaProxy('/media/capabilities', { headers: { host: 'evil.example' } });
    expect(foreign.status).toBe(421);
    expect((await viaProxy('/media/capabilities')).status).toBe(200);
  });

  it('does not expose /metrics on the public address', async () => {
    const metrics = await viaProxy('/metrics');
    expect(metrics.status).toBe(403);
    // Answered by nginx itself: the node's headers are not there.
    expect(metrics.headers['content-security-policy']).toBeUndefined();
    expect(nginx.errorLog()).toContain('access forbidden by rule');
  });
});
