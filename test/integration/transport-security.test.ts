// Transport security and secrets: HTTPS when given a certificate, security
// headers on every answer, tokens never in logs, secrets generated once.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../harness/certificate.js';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { loadOrCreateSecrets } from '../../signaling/auth/secrets.js';
import { createLogger } from '../../signaling/core/logger.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { startTestServer, type TestServer } from '../harness/server.js';

function httpsGet(
  url: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('transport security', () => {
  let dir: string;
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veche-tls-'));
    makeCertificate(dir, 'localhost');
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer({
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      log: createLogger('debug', sink),
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with security headers when given a certificate', async () => {
    const res = await httpsGet(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never writes a token into the logs', async () => {
    const token = await server.staffToken({ sub: 'secret-agent', name: 'Агент' });
    // The test certificate is self-signed: allow it for this client only.
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token },
      rejectUnauthorized: false,
      forceNew: true,
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const client = { close: () => socket.close() };
    const reply = (await socket.timeout(5000).emitWithAck('join', {
      room: 'logs',
      displayName: 'x',
      protocolVersion: PROTOCOL_VERSION,
    })) as { ok: boolean };
    expect(reply.ok).toBe(true);
    // A refused token is logged as refused, without the token.
    const forged = token.slice(0, -6) + 'AAAAAA';
    const bad = io(server.url, {
      transports: ['websocket'],
      auth: { token: forged },
      rejectUnauthorized: false,
      forceNew: true,
      reconnection: false,
    });
    await new Promise((resolve) => bad.once('connect_error', resolve));
    bad.close();
    client.close();
    const log = lines.join('');
    expect(log).toContain('socket refused: authentication');
    expect(log).toContain('peer joined');
    expect(log).not.toContain(token.split('.')[2]!);
    expect(log).not.toContain(forged.split('.')[2]!);
  });
});

describe('generated secrets', () => {
  it('are created once, private to the owner, and reused', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'veche-secrets-'));
    try {
      const [a, b] = await Promise.all([
        loadOrCreateSecrets(dataDir),
        loadOrCreateSecrets(dataDir),
      ]);
      expect(Buffer.from(a.jwtSecret).equals(Buffer.from(b.jwtSecret))).toBe(true);
      const again = await loadOrCreateSecrets(dataDir);
      expect(Buffer.from(again.inviteSecret).equals(Buffer.from(a.inviteSecret))).toBe(true);
      expect(a.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o077).toBe(0);
      expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).not.toContain('changeme');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
