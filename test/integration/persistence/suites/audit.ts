// The audit log: booking changes land in one hash chain; editing or deleting
// a row (even as a superuser who gets past the trigger) is found and named.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../../../signaling/audit/chain.js';
import { readLatestCheckpoint, writeCheckpoint } from '../../../../signaling/audit/checkpoint.js';
import { createDatabaseAuditSink } from '../../../../signaling/audit/dbSink.js';
import type { AuditEvent } from '../../../../signaling/audit/sink.js';
import { verifyAuditChain } from '../../../../signaling/audit/verify.js';
import type { Database } from '../../../../signaling/db/index.js';
import { startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { booking, createRoom, NOW } from '../support/fixtures.js';

/** These run the CLIs as processes (each opens the database itself): generous on a busy machine. */
const CLI_TEST_MS = 120_000;

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

/** Deletes the last rows and moves the chain head back onto the new last row. */
async function cutTail(db: Database, from: number): Promise<void> {
  await tamper(db, `DELETE FROM audit_log WHERE id >= ${from}`);
  await db.exec(
    `UPDATE audit_chain_head SET last_id = ${from - 1},
       last_hash = (SELECT hash FROM audit_log WHERE id = ${from - 1})`,
  );
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
  return cli('verifyCli', env);
}

function cli(
  name: 'verifyCli' | 'checkpointCli',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `signaling/audit/${name}.ts`], {
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
    let roomId: string;
    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      roomId = (await createRoom(api, alice, { slug: 'audit-room' })).id;
    });
    afterAll(() => api.close());

    it('records the room and booking create, update and cancel as chained rows', async () => {
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
        [1, 'room.create', 'alice', roomId, 'audit-room'],
        [2, 'booking.create', 'alice', b.id, 'audit-room'],
        [3, 'booking.update', 'alice', b.id, 'audit-room'],
        [4, 'booking.cancel', 'alice', b.id, 'audit-room'],
      ]);
      expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
      expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
      expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
      expect(rows[3]!.prev_hash).toBe(rows[2]!.hash);
      expect(await verifyAuditChain(api.db)).toEqual({ ok: true, rows: 4 });
    });

    it('refuses UPDATE and DELETE through the trigger', async () => {
      await expect(api.db.query("UPDATE audit_log SET actor = 'mallory'")).rejects.toThrow(
        /append-only/,
      );
      await expect(api.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      expect(await verifyAuditChain(api.db)).toEqual({ ok: true, rows: 4 });
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

    describe('checkpoints', () => {
      const KEY = 'k'.repeat(16) + 'checkpoint-key-of-the-test-suite';
      const dirs: string[] = [];
      const tempDir = () => {
        const dir = mkdtempSync(join(tmpdir(), 'veche-checkpoint-'));
        dirs.push(dir);
        return dir;
      };
      afterAll(() => {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      });

      it('a cut tail with the chain head moved back passes the chain alone, not the checkpoint', async () => {
        const db = await filled(await backend().fresh(), 5);
        const file = join(tempDir(), 'checkpoints.log');
        const written = await writeCheckpoint(db, { file, key: KEY, now: () => NOW });
        expect(written).toMatchObject({ lastId: 5, at: NOW });
        await cutTail(db, 4);
        // No hash chain can see this on its own…
        expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 3 });
        // …the signed head written earlier does, and names what is missing.
        const checkpoint = await readLatestCheckpoint(file, KEY);
        const result = await verifyAuditChain(db, { checkpoint });
        expect(result).toMatchObject({ ok: false, rows: 3, id: 4 });
        expect(result.ok || result.reason).toMatch(/rows 4…5 are missing/);
        expect(result.ok || result.reason).toContain(NOW.toISOString());
      });

      it('a log rewritten from a row on (hashes recomputed) differs from the checkpoint', async () => {
        const db = await filled(await backend().fresh(), 3);
        const file = join(tempDir(), 'checkpoints.log');
        await writeCheckpoint(db, { file, key: KEY, now: () => NOW });
        const { rows } = await db.query<{ at: Date; prev_hash: string }>(
          'SELECT at, prev_hash FROM audit_log WHERE id = 3',
        );
        const forged = chainHash({
          ...event(3),
          id: 3,
          at: rows[0]!.at,
          actor: 'mallory',
          prevHash: rows[0]!.prev_hash,
          target: 'peer-3',
          room: 'zal',
          ip: '192.0.2.1',
        });
        await tamper(db, `UPDATE audit_log SET actor = 'mallory', hash = '${forged}' WHERE id = 3`);
        await db.exec(`UPDATE audit_chain_head SET last_hash = '${forged}'`);
        const checkpoint = await readLatestCheckpoint(file, KEY);
        const result = await verifyAuditChain(db, { checkpoint });
        expect(result).toMatchObject({ ok: false, id: 3 });
        expect(result.ok || result.reason).toMatch(/checkpoint/);
      });

      it('refuses a checkpoint file whose last line is not signed with the key', async () => {
        const db = await filled(await backend().fresh(), 2);
        const file = join(tempDir(), 'checkpoints.log');
        await writeCheckpoint(db, { file, key: KEY, now: () => NOW });
        await writeCheckpoint(db, { file, key: 'x'.repeat(40), now: () => NOW });
        await expect(readLatestCheckpoint(file, KEY)).rejects.toThrow(/line 2.*signature/);
      });

      it('truncating both audit tables reports BROKEN, not a crash', async () => {
        const db = await filled(await backend().fresh(), 3);
        await db.transaction(async (tx) => {
          await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate');
          await tx.exec('TRUNCATE audit_log, audit_chain_head');
          await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate');
        });
        const result = await verifyAuditChain(db);
        expect(result).toMatchObject({ ok: false, rows: 0, id: 1 });
        expect(result.ok || result.reason).toMatch(/chain head/);
      });

      it(
        'audit:checkpoint writes the signed head to the file and the log; audit:verify checks against it',
        async () => {
          const { db, env } = await backend().onDisk();
          await filled(db, 4);
          await db.close();
          // The key is generated in DATA_DIR when the environment has none.
          const dataDir = env.DATA_DIR ?? tempDir();
          const withDir = { ...env, DATA_DIR: dataDir };
          const written = await cli('checkpointCli', withDir);
          expect(written.code, written.output).toBe(0);
          const file = join(dataDir, 'audit-checkpoints.log');
          const lines = readFileSync(file, 'utf8').trim().split('\n');
          expect(lines).toHaveLength(1);
          expect(JSON.parse(lines[0]!)).toMatchObject({ lastId: 4 });
          expect(written.output).toContain((JSON.parse(lines[0]!) as { mac: string }).mac);
          expect(statSync(join(dataDir, 'audit-checkpoint.key')).mode & 0o777).toBe(0o600);

          const ok = await cli('verifyCli', withDir);
          expect(ok.output).toContain('OK: 4 audit row(s)');
          expect(ok.output).toContain('checkpoint');
          expect(ok.code).toBe(0);

          const again = await backend().reopen(env);
          await cutTail(again, 3);
          await again.close();
          const broken = await cli('verifyCli', withDir);
          expect(broken.output).toMatch(/BROKEN at row 3: rows 3…4 are missing/);
          expect(broken.code).toBe(1);

          // An explicit key and file from the environment.
          const other = join(tempDir(), 'elsewhere.log');
          const explicit = { ...withDir, AUDIT_CHECKPOINT_KEY: KEY, AUDIT_CHECKPOINT_FILE: other };
          expect((await cli('checkpointCli', explicit)).code).toBe(0);
          expect(JSON.parse(readFileSync(other, 'utf8'))).toMatchObject({ lastId: 2 });
          const short = await cli('checkpointCli', { ...withDir, AUDIT_CHECKPOINT_KEY: 'short' });
          expect(short.code).not.toBe(0);
          expect(short.output).toContain('AUDIT_CHECKPOINT_KEY');
        },
        CLI_TEST_MS,
      );
    });

    it(
      'audit:verify prints OK with the row count, or the broken row and exits 1',
      async () => {
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
      },
      CLI_TEST_MS,
    );
  });
}
