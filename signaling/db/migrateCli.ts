// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded database under DATA_DIR (default ./data). Exit 0 when up to date.
import { migrate, openDatabase } from './index.js';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = process.env.DATA_DIR?.trim() || './data';

const db = await openDatabase({ databaseUrl, dataDir });
try {
  const applied = await migrate(db);
  const where = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}/pglite`;
  console.log(
    applied.length === 0
      ? `${where}: up to date`
      : `${where}: applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.close();
}
