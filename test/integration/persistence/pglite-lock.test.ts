// One embedded database folder, one process: a second open of the same
// PGlite files is refused with a message naming the folder and the process
// that holds it; a lock left by a process that is gone does not block.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../signaling/db/index.js';
import { openDatabase } from '../../../signaling/db/index.js';
import { openPglite } from '../../../signaling/db/pglite.js';

describe('one process per embedded database folder', () => {
  const dirs: string[] = [];
  const open: Database[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second open of the same folder, naming it and the holder; frees it on close', async () => {
    const dataDir = folder();
    const first = await openDatabase({ dataDir });
    open.push(first);
    const refused = await openDatabase({ dataDir }).then(
      (db) => {
        open.push(db);
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'DATA_DIR_LOCKED' });
    expect((refused as Error).message).toContain(join(dataDir, 'pglite'));
    expect((refused as Error).message).toContain(`pid ${process.pid}`);
    // The first one is unharmed, and once it is closed the folder is free.
    expect((await first.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await first.close();
    open.splice(0);
    const again = await openDatabase({ dataDir });
    open.push(again);
    expect((await again.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('takes over a lock whose process is gone', async () => {
    const dataDir = join(folder(), 'pglite');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const first = await openPglite({ dataDir });
    await first.close();
    writeFileSync(`${dataDir}.lock`, `${gone}\n`);
    const db = await openPglite({ dataDir });
    open.push(db);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('takes over a lock with its own pid that it does not hold (a restarted container)', async () => {
    const dataDir = join(folder(), 'pglite');
    const first = await openPglite({ dataDir });
    await first.close();
    writeFileSync(`${dataDir}.lock`, `${process.pid}\n`);
    const db = await openPglite({ dataDir });
    open.push(db);
    await expect(openPglite({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
  });

  it('an in-memory database takes no lock', async () => {
    const a = await openPglite();
    const b = await openPglite();
    open.push(a, b);
    expect((await b.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
