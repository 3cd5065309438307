// A real PostgreSQL server through a pg pool (DATABASE_URL).
import pg from 'pg';
import { createLogger, rateLimited, type Logger } from '../core/logger.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';

/** A whole pool breaks at once (a server restart): one line per interval is enough. */
const POOL_ERROR_LOG_INTERVAL_MS = 30_000;

const INT8_OID = 20;

// pg returns bigint as a string (it may exceed 2^53); PGlite returns a number.
// Our bigints are row ids and counts, so both engines give numbers.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query<T>(sql, params as unknown[]);
      return {
        rows: result.rows,
        rowCount: result.rowCount ?? result.rows.length,
      } as QueryResult<T>;
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export interface PostgresOptions {
  max?: number;
  /** Where broken idle connections are reported (default: a logger on stdout). */
  log?: Logger;
  /** The clock of the rate limit on those reports. */
  now?: () => number;
}

export function openPostgres(connectionString: string, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({ connectionString, types, max: options.max ?? 10 });
  // An idle client losing its server (restart, terminated session) must not
  // crash the process — the next query gets a fresh connection — but it must
  // be seen: the operator learns the database went away before queries fail.
  const log = options.log ?? createLogger('info');
  const report = rateLimited(POOL_ERROR_LOG_INTERVAL_MS, options.now);
  pool.on('error', (error) => {
    report((suppressed) =>
      log.warn({ err: error, ...(suppressed > 0 && { suppressed }) }, 'database connection lost'),
    );
  });
  const base = wrap(pool);
  return {
    engine: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
