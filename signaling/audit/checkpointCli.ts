// `npm run audit:checkpoint`: signs the audit chain's head (HMAC-SHA256 with
// AUDIT_CHECKPOINT_KEY, or the key kept in DATA_DIR) and appends it as one line
// to AUDIT_CHECKPOINT_FILE (default DATA_DIR/audit-checkpoints.log) and to the
// log on stdout. Run it from cron, or let the server's job do it.
import { createLogger } from '../core/logger.js';
import { openDatabase } from '../db/index.js';
import { writeCheckpoint } from './checkpoint.js';
import { checkpointKeyOrCreate, loadCheckpointConfig } from './checkpointConfig.js';

const log = createLogger('info');
try {
  const config = loadCheckpointConfig(process.env);
  const key = await checkpointKeyOrCreate(config);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await writeCheckpoint(db, { file: config.file, key, log });
  } finally {
    await db.close();
  }
} catch (error) {
  log.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
