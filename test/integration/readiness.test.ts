// /readyz of a signaling node checks what it needs: a Redis that goes away
// first leaves the node ready but `degraded` (a blip that every node sees
// must not take them all out of the balancer at once), then, when it lasts
// past the grace period, not ready; the node is ready again once Redis is
// back. A node whose database is gone is not ready. The same state shows on
// /metrics as `veche_dependency_up`.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPostgres } from '../../signaling/db/postgres.js';
import { scrape } from '../harness/metrics.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, testLogger, waitFor, type TestSfu } from '../harness/sfu.js';

/** Short, so the test does not wait long; probes come far more often than that. */
const GRACE_MS = 3000;

interface Readiness {
  ready: boolean;
  status: string;
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function readyz(server: TestServer): Promise<{ code: number; body: Readiness }> {
  const res = await fetch(`${server.url}/readyz`);
  return { code: res.status, body: (await res.json()) as Readiness };
}

/** Probes /readyz until `want` holds; the last answer. */
async function probeUntil(
  server: TestServer,
  want: (answer: { code: number; body: Readiness }) => boolean,
  what: string,
) {
  let last: { code: number; body: Readiness } | undefined;
  await waitFor(
    async () => {
      last = await readyz(server);
      return want(last);
    },
    what,
    30_000,
  );
  return last!;
}

describe('readiness of a signaling node', () => {
  let sfu: TestSfu;
  beforeAll(async () => {
    sfu = await startTestSfu();
  });
  afterAll(async () => {
    await sfu?.close();
  });

  describe('with Redis', () => {
    let redis: TestRedis;
    let server: TestServer;
    beforeAll(async () => {
      redis = await startTestRedis({ restartable: true });
      server = await startTestServer({
        sfu,
        redis: { url: redis.url, prefix: redis.prefix, heartbeatMs: 200 },
        readyGraceMs: GRACE_MS,
      });
    });
    afterAll(async () => {
      await server?.close();
      await redis?.stop();
    });

    it('is degraded during a Redis outage, not ready once it lasts, and ready when Redis is back', async () => {
      expect(await readyz(server)).toMatchObject({
        code: 200,
        body: { ready: true, status: 'ok', checks: { redis: { ok: true }, sfu: { ok: true } } },
      });

      await redis.down();
      const blip = await probeUntil(
        server,
        (a) => a.body.checks['redis']?.ok === false,
        'redis fails',
      );
      // Still in the balancer: this node is no worse off than any other.
      expect(blip).toMatchObject({
        code: 200,
        body: {
          ready: true,
          status: 'degraded',
          checks: { redis: { ok: false }, sfu: { ok: true } },
        },
      });
      const down = await scrape(server.url);
      expect(down.scrape?.value('veche_dependency_up', { check: 'redis' })).toBe(0);

      const lasting = await probeUntil(
        server,
        (a) => a.code !== 200,
        'the outage outlasts the grace',
      );
      expect(lasting).toMatchObject({
        code: 503,
        body: { ready: false, status: 'unavailable', checks: { redis: { ok: false } } },
      });

      await redis.up();
      const back = await probeUntil(server, (a) => a.code === 200, 'ready again');
      expect(back.body).toMatchObject({
        ready: true,
        status: 'ok',
        checks: { redis: { ok: true } },
      });
      const up = await scrape(server.url);
      expect(up.scrape?.value('veche_dependency_up', { check: 'redis' })).toBe(1);
    });
  });

  describe('with PostgreSQL', () => {
    let postgres: PostgresServer;
    let databaseUrl: string;
    let db: Database;
    let server: TestServer;
    beforeAll(async () => {
      postgres = await startPostgres();
      databaseUrl = await postgres.createDatabase();
      db = openPostgres(databaseUrl, { log: testLogger() });
      await migrate(db);
      server = await startTestServer({ sfu, db, readyGraceMs: GRACE_MS });
    });
    afterAll(async () => {
      await server?.close();
      await db?.close().catch(() => undefined); // its database is gone
      await postgres?.stop();
    });

    it('is not ready when its database is gone', async () => {
      expect(await readyz(server)).toMatchObject({
        code: 200,
        body: { status: 'ok', checks: { database: { ok: true } } },
      });
      // The database is dropped under the node, its connections cut.
      const admin = new URL(databaseUrl);
      const name = decodeURIComponent(admin.pathname.slice(1));
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }

      const gone = await probeUntil(server, (a) => a.code !== 200, 'the node is not ready');
      expect(gone).toMatchObject({
        code: 503,
        body: { ready: false, status: 'unavailable', checks: { database: { ok: false } } },
      });
      expect(gone.body.checks['database']?.error).toMatch(/does not exist|terminat/);
    });
  });
});
