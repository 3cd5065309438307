// Admins watch and steer SFU capacity and live rooms: drain a worker and new
// rooms go elsewhere; see who meets where; close a room for everyone. Over
// real HTTP with real staff/admin JWTs, real sockets and a real 2-worker pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

describe('SFU worker draining', () => {
  let t: TestSfu;
  beforeAll(async () => {
    t = await startTestSfu(2);
  });
  afterAll(async () => {
    await t.close();
  });
  const roomsPerWorker = async () =>
    (await t.sfu.call('getLoad', {})).workers.map((w) => [w.index, w.rooms, w.draining]);

  it('a draining worker gets no new rooms; its rooms keep running; undrain balances again', async () => {
    await t.sfu.call('openRoom', { roomId: 'before' });
    const [first] = (await t.sfu.call('getLoad', {})).workers.filter((w) => w.rooms === 1);
    expect(first).toBeDefined();
    // Drain the worker that has the room: new rooms land on the other one.
    const drained = first!.index;
    const other = 1 - drained;
    expect(await t.sfu.call('setWorkerDraining', { workerIndex: drained, draining: true })).toEqual(
      { workerIndex: drained, draining: true },
    );
    for (const id of ['d1', 'd2', 'd3']) await t.sfu.call('openRoom', { roomId: id });
    const during = await roomsPerWorker();
    expect(during).toContainEqual([drained, 1, true]);
    expect(during).toContainEqual([other, 3, false]);
    expect((await t.sfu.call('inspectRoom', { roomId: 'before' })).exists).toBe(true);
    const load = await t.sfu.call('getLoad', {});
    for (const w of load.workers) expect(w.cpuMs).toBeGreaterThanOrEqual(0);

    // Undrain: the drained worker catches up until both hold the same.
    await t.sfu.call('setWorkerDraining', { workerIndex: drained, draining: false });
    for (const id of ['u1', 'u2']) await t.sfu.call('openRoom', { roomId: id });
    expect(await roomsPerWorker()).toEqual(
      expect.arrayContaining([
        [drained, 3, false],
        [other, 3, false],
      ]),
    );
  });

  it('when every worker drains, rooms still open (on the least loaded one)', async () => {
    await t.sfu.call('setWorkerDraining', { workerIndex: 0, draining: true });
    await t.sfu.call('setWorkerDraining', { workerIndex: 1, draining: true });
    await t.sfu.call('openRoom', { roomId: 'all-drained' });
    expect((await t.sfu.call('inspectRoom', { roomId: 'all-drained' })).exists).toBe(true);
    await t.sfu.call('setWorkerDraining', { workerIndex: 0, draining: false });
    await t.sfu.call('setWorkerDraining', { workerIndex: 1, draining: false });
  });

  it('refuses an unknown worker', async () => {
    await expect(
      t.sfu.call('setWorkerDraining', { workerIndex: 7, draining: true }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('admin API', () => {
  let db: Database;
  let server: TestServer;
  const clients: TestClient[] = [];
  const people = {
    root: { sub: 'root', name: 'Админ', office: 'gov-a', role: 'admin' as const },
    alice: { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' },
  };
  const api = async (who: keyof typeof people | undefined, method: string, path: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: who ? { authorization: `Bearer ${await server.staffToken(people[who])}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ db, workers: 2 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    await db.close();
  });

  it('is for admins only: no token 401, staff 403', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/sfu'],
      ['POST', '/api/admin/sfu/workers/0/drain'],
      ['POST', '/api/admin/sfu/workers/0/undrain'],
      ['GET', '/api/admin/rooms'],
      ['POST', '/api/admin/rooms/town-hall/close'],
    ] as const) {
      expect((await api(undefined, method, path)).status, `${method} ${path}`).toBe(401);
      const staff = await api('alice', method, path);
      expect(staff.status, `${method} ${path}`).toBe(403);
      expect(staff.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('lists workers and drains one, audited', async () => {
    const sfu = await api('root', 'GET', '/api/admin/sfu');
    expect(sfu.status).toBe(200);
    const workers = sfu.body.workers as { index: number; draining: boolean; cpuMs: number }[];
    expect(workers.map((w) => [w.index, w.draining])).toEqual([
      [0, false],
      [1, false],
    ]);
    expect(workers.every((w) => typeof w.cpuMs === 'number')).toBe(true);

    const drained = await api('root', 'POST', '/api/admin/sfu/workers/0/drain');
    expect(drained).toMatchObject({ status: 200, body: { index: 0, draining: true } });
    expect((await api('root', 'POST', '/api/admin/sfu/workers/9/drain')).status).toBe(404);
    expect((await api('root', 'POST', '/api/admin/sfu/workers/x/drain')).status).toBe(400);
    const undrained = await api('root', 'POST', '/api/admin/sfu/workers/0/undrain');
    expect(undrained).toMatchObject({ status: 200, body: { index: 0, draining: false } });

    const audit = await db.query<{ action: string; actor: string; target: string; at: Date }>(
      "SELECT action, actor, target, at FROM audit_log WHERE action LIKE 'sfu.%' ORDER BY id",
    );
    expect(audit.rows.map((r) => [r.action, r.actor, r.target])).toEqual([
      ['sfu.drain', 'root', 'worker:0'],
      ['sfu.undrain', 'root', 'worker:0'],
    ]);
    expect(audit.rows.every((r) => r.at instanceof Date)).toBe(true);
  });

  it('shows live rooms with their participants and closes one for everyone', async () => {
    const host = await connectClient(server.url);
    const guest = await connectClient(server.url);
    clients.push(host, guest);
    await host.join('town-hall', 'Ведущая');
    await guest.join('town-hall', 'Пётр');
    expect((await server.sfu.sfu.call('inspectRoom', { roomId: 'town-hall' })).exists).toBe(true);

    const listed = await api('root', 'GET', '/api/admin/rooms');
    expect(listed.status).toBe(200);
    const rooms = listed.body.rooms as {
      name: string;
      participants: { name: string; role: string; guest: boolean }[];
      lobby: number;
      locked: boolean;
      started: string | null;
    }[];
    const room = rooms.find((r) => r.name === 'town-hall');
    expect(room).toMatchObject({ lobby: 0, locked: false });
    expect(room!.participants.map((p) => [p.name, p.role])).toEqual([
      ['Ведущая', 'host'],
      ['Пётр', 'participant'],
    ]);
    expect(Date.parse(room!.started!)).toBeLessThanOrEqual(Date.now());

    expect((await api('alice', 'POST', '/api/admin/rooms/town-hall/close')).status).toBe(403);
    const closed = await api('root', 'POST', '/api/admin/rooms/town-hall/close');
    expect(closed).toMatchObject({ status: 200, body: { closed: true } });
    expect(await host.next('removed')).toEqual({ reason: 'meetingEnded' });
    expect(await guest.next('removed')).toEqual({ reason: 'meetingEnded' });
    expect((await server.sfu.sfu.call('inspectRoom', { roomId: 'town-hall' })).exists).toBe(false);
    await waitFor(
      async () => (await server.server.io.in('room:town-hall').fetchSockets()).length === 0,
      'everyone disconnected',
    );
    await waitFor(
      async () =>
        ((await api('root', 'GET', '/api/admin/rooms')).body.rooms as unknown[]).length === 0,
      'the room is no longer live',
    );
    expect((await api('root', 'POST', '/api/admin/rooms/town-hall/close')).status).toBe(404);

    const audit = await db.query<{ actor: string; target: string; details: unknown }>(
      "SELECT actor, target, details FROM audit_log WHERE action = 'meeting.end' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      {
        actor: 'root',
        target: 'town-hall',
        details: { by: 'admin', participants: 2, lobby: 0 },
      },
    ]);
  });

  it('documents the admin endpoints in OpenAPI', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/sfu',
        '/api/admin/sfu/workers/{index}/drain',
        '/api/admin/sfu/workers/{index}/undrain',
        '/api/admin/rooms',
        '/api/admin/rooms/{name}/close',
      ]),
    );
  });
});
