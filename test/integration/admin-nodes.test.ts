// Admins see the cluster's SFU nodes (workers, load, state) and drain or
// undrain one, audited; migration on drain is refused clearly for now. Live
// rooms are listed across signaling nodes (shared state in Redis), with the
// SFU node each participant's media is on. Real HTTP, real JWTs, real SFU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const people = {
  root: { sub: 'root', name: 'Админ', office: 'gov-a', role: 'admin' as const },
  alice: { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' },
};

interface NodeBody {
  id: string;
  state: string;
  workers: { index: number; draining: boolean }[];
  rooms: number;
  peers: number;
}

describe('admin API: SFU nodes and rooms across the cluster', () => {
  let db: Database;
  let redis: TestRedis;
  let sfu: TestSfu;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  const api = async (
    who: keyof typeof people | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const headers: Record<string, string> = who
      ? { authorization: `Bearer ${await a.staffToken(people[who])}` }
      : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${a.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    redis = await startTestRedis();
    sfu = await startTestSfu(2);
    const shared = { url: redis.url, prefix: redis.prefix, heartbeatMs: 200 };
    // Two signaling nodes over one SFU and one Redis; only A serves the API.
    a = await startTestServer({ db, sfu, redis: shared });
    b = await startTestServer({ sfu, redis: shared });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.close();
    await a?.close();
    await sfu?.close();
    await redis?.stop();
    await db?.close();
  });

  it('is for admins only: no token 401, staff 403', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/nodes'],
      ['POST', '/api/admin/nodes/embedded/drain'],
      ['POST', '/api/admin/nodes/embedded/undrain'],
    ] as const) {
      const body = method === 'POST' ? {} : undefined;
      expect((await api(undefined, method, path, body)).status, `${method} ${path}`).toBe(401);
      const staff = await api('alice', method, path, body);
      expect(staff.status, `${method} ${path}`).toBe(403);
      expect(staff.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('lists the node with its workers; drain and undrain change its state, audited', async () => {
    const listed = await api('root', 'GET', '/api/admin/nodes');
    expect(listed.status).toBe(200);
    const [node, ...others] = listed.body.nodes as NodeBody[];
    expect(others).toEqual([]);
    expect(node).toMatchObject({ id: 'embedded', state: 'SERVING' });
    expect(node!.workers.map((w) => w.index)).toEqual([0, 1]);

    // An embedded SFU has nowhere to move its participants: refused, and nothing changes.
    const migrating = await api('root', 'POST', '/api/admin/nodes/embedded/drain', {
      migrate: true,
    });
    expect(migrating).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT', details: { reason: 'MIGRATION_NEEDS_REGISTRY' } } },
    });
    expect((await sfu.sfu.call('getLoad', {})).state).toBe('SERVING');

    const drained = await api('root', 'POST', '/api/admin/nodes/embedded/drain', {
      migrate: false,
    });
    expect(drained).toMatchObject({ status: 200, body: { id: 'embedded', state: 'DRAINING' } });
    expect((await sfu.sfu.call('getLoad', {})).state).toBe('DRAINING');
    expect((await api('root', 'GET', '/api/admin/nodes')).body.nodes).toMatchObject([
      { id: 'embedded', state: 'DRAINING' },
    ]);
    const undrained = await api('root', 'POST', '/api/admin/nodes/embedded/undrain');
    expect(undrained).toMatchObject({ status: 200, body: { id: 'embedded', state: 'SERVING' } });
    expect((await api('root', 'POST', '/api/admin/nodes/nowhere/drain', {})).status).toBe(404);

    const audit = await db.query<{ action: string; actor: string; target: string }>(
      "SELECT action, actor, target FROM audit_log WHERE target LIKE 'node:%' ORDER BY id",
    );
    expect(audit.rows.map((r) => [r.action, r.actor, r.target])).toEqual([
      ['sfu.drain', 'root', 'node:embedded'],
      ['sfu.undrain', 'root', 'node:embedded'],
    ]);
  });

  it("lists a room meeting on another signaling node, with each participant's media node", async () => {
    const host = await connectClient(b.url);
    const guest = await connectClient(b.url);
    clients.push(host, guest);
    await host.join('far-hall', 'Ведущая');
    await guest.join('far-hall', 'Пётр');

    const listed = await api('root', 'GET', '/api/admin/rooms');
    expect(listed.status).toBe(200);
    const room = (listed.body.rooms as { name: string; participants: unknown[] }[]).find(
      (r) => r.name === 'far-hall',
    );
    expect(room?.participants).toEqual([
      expect.objectContaining({ name: 'Ведущая', node: 'embedded' }),
      expect.objectContaining({ name: 'Пётр', node: 'embedded' }),
    ]);
    const [node] = (await api('root', 'GET', '/api/admin/nodes')).body.nodes as NodeBody[];
    expect(node).toMatchObject({ rooms: 1, peers: 2 });

    // Closed from A, the room ends on B and leaves the list.
    expect((await api('root', 'POST', '/api/admin/rooms/far-hall/close')).status).toBe(200);
    await waitFor(
      async () =>
        ((await api('root', 'GET', '/api/admin/rooms')).body.rooms as unknown[]).length === 0,
      'the room is no longer listed',
    );
  });

  it('documents the node endpoints in OpenAPI', async () => {
    const doc = (await (await fetch(`${a.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/nodes',
        '/api/admin/nodes/{id}/drain',
        '/api/admin/nodes/{id}/undrain',
      ]),
    );
  });
});
