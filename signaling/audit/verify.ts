// Walks the audit chain from the first row and reports the first broken
// link: a row whose content no longer matches its hash (edited), a row
// whose prev_hash is not its predecessor's hash (a row replaced), a gap in
// the ids (a row deleted), or a chain head that is ahead of the last row
// (the tail deleted). Works whatever a superuser did around the trigger.
import { onlyRow, type Queryable } from '../db/index.js';
import { chainHash, GENESIS_HASH } from './chain.js';

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

export async function verifyAuditChain(db: Queryable): Promise<AuditVerification> {
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
  const { last_id: lastId, last_hash: lastHash } = onlyRow(head.rows, 'audit chain head');
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
  return { ok: true, rows };
}
