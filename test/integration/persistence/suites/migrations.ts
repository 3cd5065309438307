// Migrations: applied in order, once; and the schema enforces what the
// application relies on (no overlapping bookings) on its own.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appliedMigrations,
  migrate,
  MigrationError,
  migrations,
} from '../../../../signaling/db/index.js';
import type { Backend } from '../support/backend.js';

const names = migrations.map((m) => m.name);

export function migrationSuite(backend: () => Backend) {
  describe('migrations', () => {
    it('applies every migration in order, then nothing on the second run', async () => {
      const db = await backend().empty();
      expect(names).toEqual(['001_catalog', '002_bookings', '003_meetings_chat', '004_audit']);
      expect(await migrate(db)).toEqual(names);
      expect((await appliedMigrations(db)).map((m) => m.name)).toEqual(names);
      expect(await migrate(db)).toEqual([]);
      const { rows } = await db.query<{ extname: string }>(
        "SELECT extname FROM pg_extension WHERE extname = 'btree_gist'",
      );
      expect(rows).toHaveLength(1);
    });

    it('applies each migration once when two runners start together', async () => {
      const db = await backend().empty();
      const [a, b] = await Promise.all([migrate(db), migrate(db)]);
      expect([...a, ...b].sort()).toEqual(names);
    });

    it('refuses to run when an applied migration was edited', async () => {
      const db = await backend().fresh();
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await expect(migrate(db, edited)).rejects.toThrow(MigrationError);
    });

    it('refuses overlapping bookings of a room in the database itself, not only in the app', async () => {
      const db = await backend().fresh();
      const room = randomUUID();
      const booking = randomUUID();
      await db.exec(`
        INSERT INTO offices (id, name) VALUES ('o', 'Office');
        INSERT INTO users (subject, display_name, global_role) VALUES ('u', 'U', 'staff');
        INSERT INTO rooms (id, slug, name, office_id, capacity) VALUES ('${room}', 'r', 'R', 'o', 5);
        INSERT INTO bookings (id, room_id, organiser, title, time_zone, starts_at, ends_at)
          VALUES ('${booking}', '${room}', 'u', 'T', 'UTC', '2030-01-01T10:00Z', '2030-01-01T11:00Z');
      `);
      const insert = (start: string, end: string, status = 'confirmed') =>
        db.query(
          `INSERT INTO booking_occurrences (id, booking_id, room_id, original_start, starts_at, ends_at, status)
           VALUES ($1, $2, $3, $4, $4, $5, $6)`,
          [randomUUID(), booking, room, start, end, status],
        );
      await insert('2030-01-01T10:00Z', '2030-01-01T11:00Z');
      await expect(insert('2030-01-01T10:59Z', '2030-01-01T12:00Z')).rejects.toMatchObject({
        code: '23P01',
      });
      // Back to back is fine, and so is overlapping a cancelled occurrence.
      await insert('2030-01-01T11:00Z', '2030-01-01T12:00Z');
      await insert('2030-01-01T10:30Z', '2030-01-01T10:45Z', 'cancelled');
    });
  });
}
