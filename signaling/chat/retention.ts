// Chat retention: each persistent room keeps chat for its chatRetentionDays
// (0: nothing survives the purge); rooms without a row (ad-hoc) use the
// default given. Meant to run periodically (e.g. hourly) from main.
import type { Queryable } from '../db/index.js';

const DAY_MS = 86_400_000;

export async function purgeExpiredChat(
  db: Queryable,
  now: Date,
  adHocRetentionDays: number,
): Promise<number> {
  const persistent = await db.query(
    `DELETE FROM chat_messages m USING rooms r
     WHERE m.room = r.slug
       AND m.sent_at < $1::timestamptz - make_interval(days => r.chat_retention_days)`,
    [now],
  );
  const adHoc = await db.query(
    `DELETE FROM chat_messages m
     WHERE m.sent_at < $1 AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.slug = m.room)`,
    [new Date(now.getTime() - adHocRetentionDays * DAY_MS)],
  );
  return persistent.rowCount + adHoc.rowCount;
}
