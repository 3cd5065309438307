// The database audit sink. Appends take the chain head row FOR UPDATE, so
// concurrent appends (any number of processes) queue up and form one chain.
import { onlyRow, type Database, type Queryable } from '../db/index.js';
import { chainHash, canonicalJson, type ChainedFields } from './chain.js';
import type { AuditEvent, AuditSink } from './sink.js';

/**
 * Text as the database can keep it: a lone surrogate (half of a UTF-16
 * pair) or a NUL character, which PostgreSQL refuses in text and jsonb,
 * becomes U+FFFD. Applied before hashing, so the hash covers what is stored
 * and a hostile name cannot keep its event out of the log.
 */
const storableText = (text: string): string =>
  text.replace(
    // eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL refuses
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/g,
    '\ufffd',
  );

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [storableText(key), storable(inner)]),
    );
  return value;
}

/**
 * Appends one event inside the caller's transaction (booking changes and
 * their audit rows commit together). Returns the new row's id.
 */
export async function appendAudit(tx: Queryable, event: AuditEvent): Promise<number> {
  const head = await tx.query<{ last_id: number; last_hash: string }>(
    'SELECT last_id, last_hash FROM audit_chain_head WHERE singleton FOR UPDATE',
  );
  const { last_id: lastId, last_hash: prevHash } = onlyRow(head.rows, 'audit chain head');
  // Round-tripping through JSON now means the hash covers exactly what jsonb
  // will give back (no undefined, no Dates, no functions).
  const details = JSON.parse(canonicalJson(storable(event.details))) as unknown;
  const text = (value: string | undefined) => (value === undefined ? null : storableText(value));
  const fields: ChainedFields = {
    id: lastId + 1,
    at: event.at,
    action: event.action,
    actor: storableText(event.actor),
    target: text(event.target),
    room: text(event.room),
    details,
    ip: text(event.ip),
    prevHash,
  };
  const hash = chainHash(fields);
  await tx.query(
    `INSERT INTO audit_log (id, at, action, actor, target, room, details, ip, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
    [
      fields.id,
      fields.at,
      fields.action,
      fields.actor,
      fields.target,
      fields.room,
      JSON.stringify(details),
      fields.ip,
      prevHash,
      hash,
    ],
  );
  await tx.query('UPDATE audit_chain_head SET last_id = $1, last_hash = $2 WHERE singleton', [
    fields.id,
    hash,
  ]);
  return fields.id;
}

export function createDatabaseAuditSink(db: Database): AuditSink {
  return {
    async record(event) {
      await db.transaction((tx) => appendAudit(tx, event));
    },
  };
}
