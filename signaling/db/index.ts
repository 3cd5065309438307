// Opening the database: a real PostgreSQL when DATABASE_URL is given,
// otherwise PGlite files under DATA_DIR. Same migrations, same queries.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { Database, Queryable, QueryResult, Row } from './database.js';
export { isDatabaseError, isRetryable, onlyRow, SqlState } from './database.js';
export { migrate, appliedMigrations, MigrationError } from './migrate.js';
export { migrations, type Migration } from './migrations/index.js';

export interface DatabaseOptions {
  /** Where a real server's broken connections are reported. */
  log?: Logger | undefined;
  /** postgres://… — a real server. */
  databaseUrl?: string | undefined;
  /** Embedded mode keeps its database in `<dataDir>/pglite`. */
  dataDir: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.log ? { log: options.log } : {});
  // PGlite creates its own folder but not the ones above it.
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  return openPglite({ dataDir: join(options.dataDir, 'pglite') });
}
