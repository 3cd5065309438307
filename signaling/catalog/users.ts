// Users as the workspace's JWT describes them, refreshed on every
// authenticated request. Their office gets a row too (named after its id
// until an admin names it), so rooms and bookings can refer to it.
import type { StaffIdentity } from '../auth/identity.js';
import type { Queryable } from '../db/index.js';

export async function upsertUser(db: Queryable, identity: StaffIdentity, at: Date): Promise<void> {
  if (identity.office !== undefined)
    await db.query('INSERT INTO offices (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [
      identity.office,
    ]);
  await db.query(
    `INSERT INTO users (subject, display_name, office_id, global_role, created_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (subject) DO UPDATE SET
       display_name = excluded.display_name,
       office_id = excluded.office_id,
       global_role = excluded.global_role,
       last_seen_at = excluded.last_seen_at`,
    [identity.subject, identity.displayName, identity.office ?? null, identity.globalRole, at],
  );
}

export interface UserRow {
  subject: string;
  displayName: string;
  officeId: string | null;
}

export async function getUsers(db: Queryable, subjects: readonly string[]): Promise<UserRow[]> {
  if (subjects.length === 0) return [];
  const { rows } = await db.query<{
    subject: string;
    display_name: string;
    office_id: string | null;
  }>(
    `SELECT subject, display_name, office_id FROM users
     WHERE subject IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(subjects)],
  );
  return rows.map((r) => ({
    subject: r.subject,
    displayName: r.display_name,
    officeId: r.office_id,
  }));
}
