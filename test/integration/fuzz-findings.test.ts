// What the fuzzer (test/fuzz) found, fixed where it was, kept here as
// focused tests beside the exact inputs in test/fuzz/corpus/: a request
// target no URL can be made of, text with a NUL character for PostgreSQL,
// a transport requested while its room closes, DTLS parameters mediasoup
// cannot use, an office whose calendar file name is not ASCII, and audit
// events carrying text PostgreSQL cannot store.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import { createDatabaseAuditSink } from '../../signaling/audit/dbSink.js';
import { verifyAuditChain } from '../../signaling/audit/verify.js';
import { connectClient } from '../harness/client.js';
import { useDatabase, useTestServer } from '../harness/fixtures.js';
import { startTestSfu, type TestSfu } from '../harness/sfu.js';

/** A request sent exactly as given (the path is not normalised): status and body. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the REST API and the web server given input they cannot take', () => {
  const db = useDatabase();
  const server = useTestServer(() => ({ db }));

  it('answers a request target no URL can be made of with 400, not 500', async () => {
    for (const path of ['//[', '//']) {
      const answer = await send(server.url, 'PUT', path);
      expect(answer.status).toBe(400);
    }
    // The server goes on serving.
    expect((await send(server.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('refuses text with a NUL character as BAD_REQUEST before the database sees it', async () => {
    const auth = {
      authorization: `Bearer ${await server.staffToken({ sub: 'nul', name: 'Nul', role: 'admin' })}`,
    };
    const query = await send(server.url, 'GET', '/api/rooms?officeId=%00', auth);
    expect(query.status).toBe(400);
    expect(JSON.parse(query.body)).toMatchObject({
      error: { code: 'BAD_REQUEST', details: { path: 'query.officeId' } },
    });
    const path = await send(server.url, 'GET', '/api/offices/%00/calendar.ics', auth);
    expect(path.status).toBe(400);
    const body = await send(
      server.url,
      'POST',
      '/api/rooms',
      { ...auth, 'content-type': 'application/json' },
      JSON.stringify({ slug: 'nul-room', name: 'a\u0000b' }),
    );
    expect(body.status).toBe(400);
    expect(JSON.parse(body.body)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    // Text without one is served as before.
    expect((await send(server.url, 'GET', '/api/rooms?officeId=main', auth)).status).toBe(200);
  });

  it('serves the calendar of an office named in Cyrillic, its file name in UTF-8', async () => {
    const auth = {
      authorization: `Bearer ${await server.staffToken({ sub: 'cal', name: 'Cal', role: 'admin' })}`,
    };
    const office = encodeURIComponent('офис-7140');
    const put = await send(
      server.url,
      'PUT',
      `/api/offices/${office}`,
      { ...auth, 'content-type': 'application/json' },
      JSON.stringify({ name: 'Офис на Невском' }),
    );
    expect(put.status).toBe(200);
    const feed = await new Promise<{
      status: number;
      disposition: string | undefined;
      body: string;
    }>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      request(
        { host: hostname, port, path: `/api/offices/${office}/calendar.ics`, headers: auth },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              disposition: res.headers['content-disposition'],
              body,
            }),
          );
        },
      )
        .on('error', reject)
        .end();
    });
    expect(feed.status).toBe(200);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.disposition).toBe(
      `attachment; filename="____-7140.ics"; filename*=UTF-8''${office}.ics`,
    );
  });
});

describe('the SFU given requests mediasoup cannot carry out', () => {
  let t: TestSfu;
  beforeEach(async () => {
    t = await startTestSfu(1);
  });
  afterEach(async () => {
    await t.close();
  });

  it('is refused as ROOM_NOT_FOUND, not as an internal error of the worker', async () => {
    const roomId = 'closing-under-a-transport';
    await t.sfu.call('openRoom', { roomId });
    const creating = t.sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'alice',
      direction: 'send',
    });
    await t.sfu.call('closeRoom', { roomId });
    const outcome = await creating.then(
      () => 'created',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(SfuError);
    expect((outcome as SfuError).code).toBe('ROOM_NOT_FOUND');
    expect(await t.contents()).toEqual({ routers: 0, transports: 0 });
  });

  it('DTLS parameters mediasoup cannot use are refused as MEDIA_REJECTED, and the transport stays usable', async () => {
    const roomId = 'odd-fingerprint';
    await t.sfu.call('openRoom', { roomId });
    const transport = await t.sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'alice',
      direction: 'send',
    });
    const value = Array.from({ length: 32 }, () => 'AB').join(':');
    const refused = await t.sfu
      .call('connectWebRtcTransport', {
        roomId,
        peerId: 'alice',
        transportId: transport.id,
        dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'fuzz-6884', value }] },
      })
      .then(
        () => 'connected',
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(SfuError);
    expect((refused as SfuError).code).toBe('MEDIA_REJECTED');
    await t.sfu.call('connectWebRtcTransport', {
      roomId,
      peerId: 'alice',
      transportId: transport.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value }] },
    });
  });
});

describe('audit events with text PostgreSQL cannot store', () => {
  const db = useDatabase();
  const server = useTestServer(() => ({ db }));

  it('are recorded with U+FFFD in its place, and the chain stays intact', async () => {
    const sink = createDatabaseAuditSink(db);
    await sink.record({
      action: 'invite.create',
      actor: 'guest:\ud800',
      target: undefined,
      room: 'lone-surrogates',
      at: new Date(),
      details: { name: 'ok\ud83d', ['\udfff']: ['\u0000'] },
      ip: undefined,
    });
    const rows = await db.query<{ actor: string; details: unknown }>(
      "SELECT actor, details FROM audit_log WHERE room = 'lone-surrogates'",
    );
    expect(rows.rows).toEqual([
      { actor: 'guest:\ufffd', details: { name: 'ok\ufffd', ['\ufffd']: ['\ufffd'] } },
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('a host’s invite for a name with half a surrogate pair is created and audited, not INTERNAL', async () => {
    const token = await server.staffToken({ sub: 'host-lone', name: 'Host' });
    const host = await connectClient(server.url, { auth: { token } });
    try {
      await host.join('lone-surrogate-invite', 'Host');
      const reply = await host.send('createInvite', { name: '\ud800', ttlMinutes: 364 });
      expect(reply.ok).toBe(true);
      const rows = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE room = 'lone-surrogate-invite' AND action = 'invite.create'",
      );
      expect(rows.rows[0]?.n).toBe(1);
    } finally {
      host.close();
    }
  });
});
