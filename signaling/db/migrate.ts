// Applies pending migrations in order, each in its own transaction under an
// advisory lock, so several processes starting together apply each one once.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from './database.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

/** Arbitrary, fixed: the advisory lock key all Veche migration runners share. */
const MIGRATION_LOCK = 7_310_425_001;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

async function prepare(tx: Queryable): Promise<Map<number, string>> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await tx.query<{ version: number; checksum: string }>(
    'SELECT version, checksum FROM schema_migrations',
  );
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

/** Returns the names of the migrations it applied (empty when up to date). */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = allMigrations,
): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      const existing = await prepare(tx);
      const sum = checksum(migration.sql);
      const recorded = existing.get(migration.version);
      if (recorded !== undefined) {
        if (recorded !== sum)
          throw new MigrationError(
            `migration ${migration.name} was changed after it was applied; add a new migration instead`,
          );
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query(
        'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.name, sum],
      );
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}

/** Applied migrations, oldest first. */
export async function appliedMigrations(
  db: Queryable,
): Promise<{ version: number; name: string }[]> {
  const { rows } = await db.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  return rows;
}
