// `npm run audit:verify`: checks the audit hash chain of DATABASE_URL, or of
// the embedded database under DATA_DIR (default ./data), and — when there is
// one — against the latest signed checkpoint in AUDIT_CHECKPOINT_FILE, which
// is what catches a deleted tail. Exit 1 when broken, 2 when it cannot check.
import { openDatabase } from '../db/index.js';
import { hasCheckpoints, readLatestCheckpoint } from './checkpoint.js';
import { checkpointKey, loadCheckpointConfig } from './checkpointConfig.js';
import { verifyAuditChain } from './verify.js';

try {
  const config = loadCheckpointConfig(process.env);
  const key = await checkpointKey(config);
  const checkpoint = key === undefined ? undefined : await readLatestCheckpoint(config.file, key);
  if (key === undefined && (await hasCheckpoints(config.file)))
    throw new Error(
      `${config.file} has checkpoints but there is no key to check them: set AUDIT_CHECKPOINT_KEY`,
    );
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const result = await verifyAuditChain(db, { checkpoint });
    if (result.ok) {
      const against = checkpoint
        ? `; holds row ${checkpoint.lastId} as the checkpoint of ${checkpoint.at.toISOString()} saw it`
        : `; no checkpoint in ${config.file} to compare the end of the log with`;
      console.log(`OK: ${result.rows} audit row(s), chain intact${against}`);
    } else {
      console.error(
        `BROKEN at row ${result.id}: ${result.reason} (${result.rows} row(s) verified before it)`,
      );
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
