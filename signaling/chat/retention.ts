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

export interface RetentionSchedule {
  /** How often to purge (default hourly). */
  intervalMs?: number;
  /** Retention for ad-hoc rooms (no row in rooms). */
  adHocRetentionDays: number;
  now?: () => Date;
  onError: (error: unknown) => void;
  onPurged?: (count: number) => void;
}

/** Purges now and then every interval; returns the function that stops it. */
export function scheduleChatRetention(db: Queryable, schedule: RetentionSchedule): () => void {
  const now = schedule.now ?? (() => new Date());
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const purged = await purgeExpiredChat(db, now(), schedule.adHocRetentionDays);
      if (purged > 0) schedule.onPurged?.(purged);
    } catch (error) {
      schedule.onError(error);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), schedule.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
