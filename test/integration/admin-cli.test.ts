// `npm run admin` against a running server: the built CLI, spawned as an
// operator runs it, with VECHE_URL and VECHE_TOKEN. Lists nodes and rooms
// (tables and --json), drains and undrains the node, closes a room; refused
// without a token or with a non-admin one, and never prints the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { runAdmin } from '../harness/adminCli.js';

describe('admin CLI', () => {
  let db: Database;
  let server: TestServer;
  let adminToken: string;
  const clients: TestClient[] = [];
  const as = (token: string) => ({ VECHE_URL: server.url, VECHE_TOKEN: token });

  beforeAll(async () => {
    const problem = prepareServerBuild();
    if (problem) throw new Error(problem);
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ db, workers: 2 });
    adminToken = await server.staffToken({
      sub: 'root',
      name: 'Админ',
      office: 'gov-a',
      role: 'admin',
    });
  }, 360_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.close();
  });

  it('is refused without a token, and with a staff token that is not an admin', async () => {
    const bare = await runAdmin(['nodes'], { VECHE_URL: server.url });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('VECHE_TOKEN is not set');
    expect(bare.stdout).toBe('');

    const staffToken = await server.staffToken({ sub: 'alice', name: 'Алиса', office: 'gov-a' });
    const staff = await runAdmin(['nodes'], as(staffToken));
    expect(staff.code).toBe(1);
    expect(staff.stderr).toContain('FORBIDDEN');
    expect(staff.stdout + staff.stderr).not.toContain(staffToken);
  });

  it('lists nodes as a table and as JSON', async () => {
    const listed = await runAdmin(['nodes'], as(adminToken));
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [head, row, ...rest] = listed.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NODE\s+STATE\s+WORKERS\s+ROOMS\s+PEERS/);
    expect(row).toMatch(/^embedded\s+SERVING\s+2\s/);
    expect(rest).toEqual([]);
    expect(listed.stdout).not.toContain(adminToken);

    const json = await runAdmin(['nodes', '--json'], as(adminToken));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      nodes: [{ id: 'embedded', state: 'SERVING', workers: [{ index: 0 }, { index: 1 }] }],
    });
  });

  it('drains and undrains the node; an embedded node cannot migrate its participants', async () => {
    const migrating = await runAdmin(['drain', 'embedded', '--migrate'], as(adminToken));
    expect(migrating.code).toBe(1);
    expect(migrating.stderr).toContain('MIGRATION_NEEDS_REGISTRY');
    expect((await server.sfu.sfu.call('getLoad', {})).state).toBe('SERVING');

    const drained = await runAdmin(['drain', 'embedded'], as(adminToken));
    expect(drained.code).toBe(0);
    expect(drained.stdout.split('\n')[0]).toBe('embedded: DRAINING');
    expect((await server.sfu.sfu.call('getLoad', {})).state).toBe('DRAINING');
    expect((await runAdmin(['nodes'], as(adminToken))).stdout).toMatch(/embedded\s+DRAINING/);

    const undrained = await runAdmin(['undrain', 'embedded', '--json'], as(adminToken));
    expect(JSON.parse(undrained.stdout)).toMatchObject({ id: 'embedded', state: 'SERVING' });
    expect((await server.sfu.sfu.call('getLoad', {})).state).toBe('SERVING');

    const unknown = await runAdmin(['drain', 'nowhere'], as(adminToken));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });

  it('lists live rooms with their media node and closes one', async () => {
    const host = await connectClient(server.url);
    clients.push(host);
    await host.join('cli-hall', 'Ведущая');
    const listed = await runAdmin(['rooms'], as(adminToken));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ROOM\s+PARTICIPANTS/);
    expect(listed.stdout).toMatch(/cli-hall\s+1\s+0\s+no\s+embedded\s/);

    const closed = await runAdmin(['close-room', 'cli-hall'], as(adminToken));
    expect(closed).toMatchObject({ code: 0, stdout: 'cli-hall: closed\n' });
    expect(await host.next('removed')).toEqual({ reason: 'meetingEnded' });
  });

  it('says how to use it when the command is wrong', async () => {
    const wrong = await runAdmin(['drain'], as(adminToken));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('drain needs a node id');
    expect(wrong.stderr).toContain('usage: npm run admin');
  });
});
