// The relay check's REST side (/api/admin/turn/probe): admins only; a probe
// comes with fresh TURN credentials (none without a TURN server), a real
// WebRTC peer connected through the API receives its data, it is audited,
// and unknown probes, nodes and malformed bodies are refused. Over real HTTP
// with real staff/admin JWTs and a real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { turnProbeSchema, type TurnProbe } from '../../signaling/protocol/api/turnProbe.js';
import { receiveProbe, type ProbeReceiver } from '../harness/probeReceiver.js';
import { startTestServer, type StaffClaims, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

const TURN_SECRET = 't'.repeat(40);
const TURN_URLS = 'turn:127.0.0.1:3478?transport=udp,turns:localhost:5349?transport=tcp';
/** ICE, DTLS and SCTP set up first, on a busy two-core machine. */
const DATA_FLOW_MS = 30_000;
const dtlsParameters = { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] };

const people: Record<string, StaffClaims> = {
  root: { sub: 'root', name: 'Админ', office: 'gov-a', role: 'admin' },
  alice: { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' },
};

function caller(server: () => TestServer) {
  return async (who: string | undefined, method: string, path: string, body?: unknown) => {
    const claims = who === undefined ? undefined : people[who];
    const res = await fetch(`${server().url}${path}`, {
      method,
      headers: {
        ...(claims ? { authorization: `Bearer ${await server().staffToken(claims)}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

describe('relay check API', () => {
  let db: Database;
  let server: TestServer;
  const peers: ProbeReceiver[] = [];
  const api = caller(() => server);
  const open = async () => {
    const opened = await api('root', 'POST', '/api/admin/turn/probe', {});
    expect(opened.status).toBe(200);
    return turnProbeSchema.parse(opened.body);
  };

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ db, turnEnv: { TURN_URLS, TURN_SECRET } });
  });
  afterAll(async () => {
    for (const peer of peers) peer.close();
    await server?.close();
    await db?.close();
  });

  it('is for admins only: no token 401, staff 403', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/admin/turn/probe', {}],
      ['POST', '/api/admin/turn/probe/p1/connect', { dtlsParameters }],
      ['DELETE', '/api/admin/turn/probe/p1', undefined],
    ] as const) {
      expect((await api(undefined, method, path, body)).status, `${method} ${path}`).toBe(401);
      const staff = await api('alice', method, path, body);
      expect(staff.status, `${method} ${path}`).toBe(403);
      expect(staff.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('opens a probe with fresh TURN credentials whose data reaches a peer connected through the API, audited', async () => {
    const probe: TurnProbe = await open();
    expect(probe).toMatchObject({ nodeId: 'embedded', expiresInMs: 60_000 });
    expect(probe.iceServers).toEqual([
      {
        urls: TURN_URLS.split(','),
        username: expect.stringMatching(/^\d+:/),
        credential: expect.any(String),
      },
    ]);
    // Each probe gets credentials of its own.
    const second = await open();
    expect(second.iceServers[0]?.username).not.toBe(probe.iceServers[0]?.username);
    expect((await api('root', 'DELETE', `/api/admin/turn/probe/${second.probeId}`)).status).toBe(
      200,
    );

    const path = `/api/admin/turn/probe/${probe.probeId}`;
    const peer = await receiveProbe(probe, async (dtlsParameters) => {
      const connected = await api('root', 'POST', `${path}/connect`, { dtlsParameters });
      expect(connected).toEqual({ status: 200, body: {} });
    });
    peers.push(peer);
    await waitFor(() => peer.messages.length >= 5, 'probe messages arrive', DATA_FLOW_MS);

    expect(await api('root', 'DELETE', path)).toEqual({ status: 200, body: {} });
    // Gone: not connectable again; deleting again is fine.
    const again = await api('root', 'POST', `${path}/connect`, {
      dtlsParameters: probe.transport.dtlsParameters,
    });
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api('root', 'DELETE', path)).status).toBe(200);

    const audit = await db.query<{ actor: string; target: string; details: unknown }>(
      "SELECT actor, target, details FROM audit_log WHERE action = 'turn.probe' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { actor: 'root', target: 'node:embedded', details: { probeId: probe.probeId } },
      { actor: 'root', target: 'node:embedded', details: { probeId: second.probeId } },
    ]);
    // The TURN password is never in the audit log.
    expect(JSON.stringify(audit.rows)).not.toContain(probe.iceServers[0]?.credential);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.paths['/api/admin/turn/probe']?.post?.operationId).toBe('openTurnProbe');
    expect(doc.paths['/api/admin/turn/probe/{probeId}/connect']?.post?.operationId).toBe(
      'connectTurnProbe',
    );
    expect(doc.paths['/api/admin/turn/probe/{probeId}']?.delete?.operationId).toBe(
      'closeTurnProbe',
    );
  });

  it('refuses unknown probes and nodes, malformed bodies, and more probes than a node holds', async () => {
    const unknown = await api('root', 'POST', '/api/admin/turn/probe/nope/connect', {
      dtlsParameters,
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api('root', 'POST', '/api/admin/turn/probe', { nodeId: 'nope' })).status).toBe(
      404,
    );
    for (const body of [{ nodeId: 5 }, { nodeId: 'embedded', extra: true }, []]) {
      const refused = await api('root', 'POST', '/api/admin/turn/probe', body);
      expect(refused, JSON.stringify(body)).toMatchObject({
        status: 400,
        body: { error: { code: 'BAD_REQUEST' } },
      });
    }
    const badConnect = await api('root', 'POST', '/api/admin/turn/probe/p1/connect', {
      dtlsParameters: { fingerprints: [] },
    });
    expect(badConnect.status).toBe(400);

    const held: string[] = [];
    for (;;) {
      const opened = await api('root', 'POST', '/api/admin/turn/probe', { nodeId: 'embedded' });
      if (opened.status !== 200) {
        expect(opened).toMatchObject({
          status: 409,
          body: { error: { code: 'CONFLICT', details: { reason: 'PROBE_LIMIT' } } },
        });
        break;
      }
      held.push(turnProbeSchema.parse(opened.body).probeId);
      if (held.length > 16) throw new Error('probes without a limit');
    }
    expect(held.length).toBeGreaterThanOrEqual(2);
    for (const probeId of held) await api('root', 'DELETE', `/api/admin/turn/probe/${probeId}`);
    // A probe is no meeting: the admin's lists stay empty.
    expect((await api('root', 'GET', '/api/admin/rooms')).body).toEqual({ rooms: [] });
  });

  it('refuses DTLS parameters mediasoup cannot use as a bad request, not a server failure', async () => {
    const opened = await api('root', 'POST', '/api/admin/turn/probe', {});
    const { probeId } = turnProbeSchema.parse(opened.body);
    const refused = await api('root', 'POST', `/api/admin/turn/probe/${probeId}/connect`, {
      dtlsParameters: {
        role: 'client',
        fingerprints: [{ algorithm: 'fuzz-5981', value: 'альфа-2339' }],
      },
    });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    await api('root', 'DELETE', `/api/admin/turn/probe/${probeId}`);
  });

  it('hands out no ICE servers when no TURN server is configured', async () => {
    const plain = await startTestServer({ db, sfu: server.sfu });
    try {
      const opened = await caller(() => plain)('root', 'POST', '/api/admin/turn/probe', {});
      expect(opened.status).toBe(200);
      const probe = turnProbeSchema.parse(opened.body);
      expect(probe.iceServers).toEqual([]);
      await caller(() => plain)('root', 'DELETE', `/api/admin/turn/probe/${probe.probeId}`);
    } finally {
      await plain.close();
    }
  });
});
