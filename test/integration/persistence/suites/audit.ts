// The audit log: booking changes land in one hash chain; editing or deleting
// a row (even as a superuser who gets past the trigger) is found and named.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../../../signaling/audit/chain.js';
import { createDatabaseAuditSink } from '../../../../signaling/audit/dbSink.js';
import type { AuditEvent } from '../../../../signaling/audit/sink.js';
import { verifyAuditChain } from '../../../../signaling/audit/verify.js';
import type { Database } from '../../../../signaling/db/index.js';
import { startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { booking, createRoom, NOW } from '../support/fixtures.js';

const { alice } = users;
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const event = (i: number): AuditEvent => ({
  action: 'peer.mute',
  actor: 'alice',
  target: `peer-${i}`,
  room: 'zal',
  at: new Date(NOW.getTime() + i * 1000),
  details: { reason: `noise ${i}`, nested: { b: 2, a: [1, 'два'] } },
  ip: '192.0.2.1',
});

async function filled(db: Database, n: number): Promise<Database> {
  const sink = createDatabaseAuditSink(db);
  for (let i = 1; i <= n; i += 1) await sink.record(event(i));
  return db;
}

/** What a superuser (or the table owner) can do: switch the trigger off, change rows, switch it on. */
async function tamper(db: Database, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    await tx.exec(sql);
    await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
  });
}

function verifyCli(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/audit/verifyCli.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

export function auditSuite(backend: () => Backend) {
  describe('audit log', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      await createRoom(api, alice, { slug: 'audit-room' });
    });
    afterAll(() => api.close());

    it('records booking create, update and cancel as chained rows', async () => {
      const b = booking(
        await api.as(alice).post('/api/bookings', {
          room: 'audit-room',
          title: 'Audited',
          start: '2030-03-10T07:00:00Z',
          end: '2030-03-10T08:00:00Z',
          timeZone: 'Europe/Moscow',
        }),
        201,
      );
      booking(await api.as(alice).patch(`/api/bookings/${b.id}`, { title: 'Audited twice' }));
      booking(await api.as(alice).delete(`/api/bookings/${b.id}`));
      const { rows } = await api.db.query<{
        id: number;
        action: string;
        actor: string;
        target: string;
        room: string;
        prev_hash: string;
        hash: string;
      }>('SELECT id, action, actor, target, room, prev_hash, hash FROM audit_log ORDER BY id');
      expect(rows.map((r) => [r.id, r.action, r.actor, r.target, r.room])).toEqual([
        [1, 'booking.create', 'alice', b.id, 'audit-room'],
        [2, 'booking.update', 'alice', b.id, 'audit-room'],
        [3, 'booking.cancel', 'alice', b.id, 'audit-room'],
      ]);
      expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
      expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
      expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
      expect(await verifyAuditChain(api.db)).toEqual({ ok: true, rows: 3 });
    });

    it('refuses UPDATE and DELETE through the trigger', async () => {
      await expect(api.db.query("UPDATE audit_log SET actor = 'mallory'")).rejects.toThrow(
        /append-only/,
      );
      await expect(api.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      expect(await verifyAuditChain(api.db)).toEqual({ ok: true, rows: 3 });
    });

    it('keeps one chain under 40 concurrent appends', async () => {
      const db = await backend().fresh();
      const sink = createDatabaseAuditSink(db);
      await Promise.all(Array.from({ length: 40 }, (_, i) => sink.record(event(i))));
      expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 40 });
    });

    it('names the edited row when a superuser changes one', async () => {
      const db = await filled(await backend().fresh(), 5);
      await tamper(
        db,
        `UPDATE audit_log SET details = '{"reason": "nothing happened"}' WHERE id = 3`,
      );
      expect(await verifyAuditChain(db)).toEqual({
        ok: false,
        rows: 2,
        id: 3,
        reason: 'content does not match its hash (edited)',
      });
    });

    it('names the next row when the forger also recomputes the edited row’s hash', async () => {
      const db = await filled(await backend().fresh(), 5);
      const { rows } = await db.query<{ at: Date; details: unknown; prev_hash: string }>(
        'SELECT at, details, prev_hash FROM audit_log WHERE id = 3',
      );
      const row = rows[0]!;
      const forged = chainHash({
        ...event(3),
        id: 3,
        at: row.at,
        actor: 'mallory',
        details: row.details,
        prevHash: row.prev_hash,
        target: 'peer-3',
        room: 'zal',
        ip: '192.0.2.1',
      });
      await tamper(db, `UPDATE audit_log SET actor = 'mallory', hash = '${forged}' WHERE id = 3`);
      const result = await verifyAuditChain(db);
      expect(result).toMatchObject({ ok: false, rows: 3, id: 4 });
      expect(result.ok || result.reason).toMatch(/prev_hash/);
    });

    it('names a deleted row, and a deleted tail', async () => {
      const db = await filled(await backend().fresh(), 5);
      await tamper(db, 'DELETE FROM audit_log WHERE id = 2');
      const gap = await verifyAuditChain(db);
      expect(gap).toMatchObject({ ok: false, rows: 1, id: 2 });
      expect(gap.ok || gap.reason).toMatch(/missing/);

      const tail = await filled(await backend().fresh(), 5);
      await tamper(tail, 'DELETE FROM audit_log WHERE id >= 4');
      expect(await verifyAuditChain(tail)).toMatchObject({ ok: false, rows: 3, id: 4 });
    });

    it('audit:verify prints OK with the row count, or the broken row and exits 1', async () => {
      const { db, env } = await backend().onDisk();
      await filled(db, 4);
      await db.close();
      const ok = await verifyCli(env);
      expect(ok.output).toContain('OK: 4 audit row(s)');
      expect(ok.code).toBe(0);

      const again = await backend().reopen(env);
      await tamper(again, `UPDATE audit_log SET ip = '203.0.113.9' WHERE id = 2`);
      await again.close();
      const broken = await verifyCli(env);
      expect(broken.output).toContain('BROKEN at row 2');
      expect(broken.code).toBe(1);
    });
  });
}
