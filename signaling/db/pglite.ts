// Embedded PostgreSQL (PGlite, WASM) for the default single-process mode.
// PGlite has one session: every statement outside a transaction and every
// transaction as a whole take turns through one queue, so a query can never
// land inside somebody else's open transaction.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { lockDataDir } from './dataDirLock.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';

function createQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function run<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

function wrap(pg: PGlite): Queryable {
  return {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pg.query<T>(sql, params as unknown[]);
      return {
        rows: result.rows,
        // SELECT reports affectedRows 0; DML reports it (with or without RETURNING).
        rowCount: Math.max(result.affectedRows ?? 0, result.rows.length),
      } as QueryResult<T>;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
  };
}

export interface PgliteDatabase extends Database {
  /** A tarball of the whole data directory (tests start fresh databases from one). */
  dump(): Promise<Blob>;
}

export interface PgliteOptions {
  /** Where the files live; undefined keeps everything in memory. */
  dataDir?: string | undefined;
  /** Start from a dump made by `dump()` (in-memory databases only). */
  from?: Blob | undefined;
}

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDatabase> {
  // Files on disk belong to one open at a time (DATA_DIR_LOCKED otherwise).
  const lock = options.dataDir === undefined ? undefined : await lockDataDir(options.dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.from === undefined ? {} : { loadDataDir: options.from }),
      extensions: { btree_gist },
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const inTurn = createQueue();
  const session = wrap(pg);
  return {
    engine: 'pglite',
    query: (sql, params) => inTurn(() => session.query(sql, params)),
    exec: (sql) => inTurn(() => session.exec(sql)),
    transaction: (fn) =>
      inTurn(async () => {
        await pg.exec('BEGIN');
        try {
          const result = await fn(session);
          await pg.exec('COMMIT');
          return result;
        } catch (error) {
          await pg.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      inTurn(async () => {
        try {
          await pg.close();
        } finally {
          await lock?.release();
        }
      }),
    dump: () => inTurn(() => pg.dumpDataDir('none')),
  };
}
