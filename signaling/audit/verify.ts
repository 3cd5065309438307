// Walks the audit chain from the first row and reports the first broken
// link: a row whose content no longer matches its hash (edited), a row
// whose prev_hash is not its predecessor's hash (a row replaced), a gap in
// the ids (a row deleted), or a chain head that is ahead of the last row
// (the tail deleted). Works whatever a superuser did around the trigger.
// Deleting the tail *and* moving the head back leaves a perfect chain: only a
// checkpoint written earlier (checkpoint.ts) can tell, so one may be given.
import type { Queryable } from '../db/index.js';
import { chainHash, GENESIS_HASH } from './chain.js';
import type { Checkpoint } from './checkpoint.js';

export type AuditVerification =
  { ok: true; rows: number } | { ok: false; rows: number; id: number; reason: string };

type AuditRow = {
  id: number;
  at: Date;
  action: string;
  actor: string;
  target: string | null;
  room: string | null;
  details: unknown;
  ip: string | null;
  prev_hash: string;
  hash: string;
};

const BATCH = 1000;

export async function verifyAuditChain(
  db: Queryable,
  options: { checkpoint?: Checkpoint | undefined } = {},
): Promise<AuditVerification> {
  let expectedId = 1;
  let prevHash = GENESIS_HASH;
  let rows = 0;
  for (;;) {
    const batch = await db.query<AuditRow>(
      `SELECT id, at, action, actor, target, room, details, ip, prev_hash, hash
       FROM audit_log WHERE id >= $1 ORDER BY id LIMIT ${BATCH}`,
      [expectedId],
    );
    for (const row of batch.rows) {
      if (row.id !== expectedId)
        return {
          ok: false,
          rows,
          id: expectedId,
          reason: `row ${expectedId} is missing (deleted): row ${row.id} follows row ${expectedId - 1}`,
        };
      if (row.prev_hash !== prevHash)
        return {
          ok: false,
          rows,
          id: row.id,
          reason: `prev_hash does not match the hash of row ${row.id - 1} (a row before it was replaced)`,
        };
      const hash = chainHash({
        id: row.id,
        at: row.at,
        action: row.action,
        actor: row.actor,
        target: row.target,
        room: row.room,
        details: row.details,
        ip: row.ip,
        prevHash: row.prev_hash,
      });
      if (hash !== row.hash)
        return { ok: false, rows, id: row.id, reason: 'content does not match its hash (edited)' };
      rows += 1;
      expectedId = row.id + 1;
      prevHash = row.hash;
    }
    if (batch.rows.length < BATCH) break;
  }
  const head = await db.query<{ last_id: number; last_hash: string }>(
    'SELECT last_id, last_hash FROM audit_chain_head WHERE singleton',
  );
  const headRow = head.rows[0];
  if (!headRow)
    return {
      ok: false,
      rows,
      id: expectedId,
      reason: 'the chain head is gone (audit_chain_head emptied): the end of the log is unknown',
    };
  const { last_id: lastId, last_hash: lastHash } = headRow;
  if (lastId !== expectedId - 1)
    return {
      ok: false,
      rows,
      id: expectedId,
      reason: `rows ${expectedId}…${lastId} are missing (the end of the log was deleted)`,
    };
  if (lastHash !== prevHash)
    return {
      ok: false,
      rows,
      id: lastId,
      reason: 'the last row does not match the chain head (replaced)',
    };
  return options.checkpoint ? againstCheckpoint(db, rows, options.checkpoint) : { ok: true, rows };
}

/** The chain is intact; does it still hold the row the checkpoint saw, unchanged? */
async function againstCheckpoint(
  db: Queryable,
  rows: number,
  checkpoint: Checkpoint,
): Promise<AuditVerification> {
  const seen = `the checkpoint of ${checkpoint.at.toISOString()} saw row ${checkpoint.lastId}`;
  if (checkpoint.lastId > rows)
    return {
      ok: false,
      rows,
      id: rows + 1,
      reason: `rows ${rows + 1}…${checkpoint.lastId} are missing: ${seen} (the end of the log was deleted and the chain head moved back)`,
    };
  if (checkpoint.lastId === 0) return { ok: true, rows };
  const { rows: found } = await db.query<{ hash: string }>(
    'SELECT hash FROM audit_log WHERE id = $1',
    [checkpoint.lastId],
  );
  if (found[0]?.hash !== checkpoint.lastHash)
    return {
      ok: false,
      rows,
      id: checkpoint.lastId,
      reason: `row ${checkpoint.lastId} differs from ${seen} (the log was rewritten from there on)`,
    };
  return { ok: true, rows };
}
