// `npm run audit:verify`: checks the audit hash chain of DATABASE_URL, or of
// the embedded database under DATA_DIR (default ./data). Exit 1 when broken.
import { openDatabase } from '../db/index.js';
import { verifyAuditChain } from './verify.js';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = process.env.DATA_DIR?.trim() || './data';

const db = await openDatabase({ databaseUrl, dataDir });
try {
  const result = await verifyAuditChain(db);
  if (result.ok) {
    console.log(`OK: ${result.rows} audit row(s), chain intact`);
  } else {
    console.error(
      `BROKEN at row ${result.id}: ${result.reason} (${result.rows} row(s) verified before it)`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
} finally {
  await db.close();
}
