// A PostgreSQL connection that breaks while idle in the pool (a server
// restart, an administrator ending sessions) is logged — not swallowed, and
// not once per connection when a whole pool breaks at once.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../signaling/core/logger.js';
import { openPostgres } from '../../signaling/db/postgres.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { waitFor } from '../harness/sfu.js';

describe('PostgreSQL pool errors', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.stop());

  it('logs idle connections the server ended, one line per interval with the count suppressed', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const url = await server.createDatabase();
    let clock = 0;
    const db = openPostgres(url, { log: createLogger('info', sink), now: () => clock });
    const admin = openPostgres(url, { max: 1 });
    try {
      // Three connections, then idle in the pool; the server ends them all.
      const breakPool = async () => {
        await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')));
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
      };
      const poolLines = () => lines.filter((l) => l.msg === 'database connection lost');

      // The pool recovers: once the dead connections are dropped, queries work again.
      const recovered = () =>
        waitFor(
          () =>
            Promise.all([1, 2, 3].map(() => db.query('SELECT 1'))).then(
              () => true,
              () => false,
            ),
          'the pool drops the dead connections',
        );

      await breakPool();
      await waitFor(() => poolLines().length >= 1, 'the first error is logged');
      await recovered();
      expect(poolLines()).toHaveLength(1);
      expect(poolLines()[0]).toMatchObject({ level: 40, err: { code: '57P01' } });

      clock += 60_000;
      await breakPool();
      await waitFor(() => poolLines().length >= 2, 'the next interval logs again');
      await recovered();
      // One line per interval, however many connections broke in it (how many
      // break while idle, rather than under a query, is the pool's timing; the
      // count of those held back is pinned in test/unit/logger.test.ts).
      expect(poolLines()).toHaveLength(2);
    } finally {
      await db.close();
      await admin.close();
    }
  });
});
