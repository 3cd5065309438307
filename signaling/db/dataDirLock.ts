// One process per embedded database folder. Two PGlite instances on the same
// files corrupt them; PGlite itself does not stop the second. So the folder
// gets a lock file next to it holding the owner's pid: created exclusively,
// removed on close, and taken over when that pid no longer exists (a crash).
import { open, readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Folders this process holds. A lock with our own pid but not listed here is a
 * previous run's (a container restarts its process as the same pid). */
const heldHere = new Set<string>();

/** The folder is in use by another live process (or another open in this one). */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database ${folder} is in use by another Veche process (pid ${pid}); ` +
        'stop it first, or give this one its own DATA_DIR (several nodes need PostgreSQL: DATABASE_URL)',
    );
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(lockFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Takes `<folder>.lock` for this process, or throws DataDirLockedError naming the holder. */
export async function lockDataDir(folder: string): Promise<DataDirLock> {
  const lockFile = `${folder}.lock`;
  const key = resolve(folder);
  // Twice at most: once more after clearing a lock left by a dead process.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      heldHere.add(key);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(key);
          if ((await holder(lockFile)) !== process.pid) return;
          // Already gone is fine; anything else would leave the folder locked: say so.
          await unlink(lockFile).catch((error: unknown) => {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = await holder(lockFile);
    // Our own pid: a second open in this process (as bad as a second process),
    // unless this process does not hold it — then it is a previous run's.
    const live = pid === process.pid ? heldHere.has(key) : pid !== undefined && isAlive(pid);
    if (live && pid !== undefined) throw new DataDirLockedError(folder, pid);
    await unlink(lockFile).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  const pid = (await holder(lockFile)) ?? 0;
  throw new DataDirLockedError(folder, pid);
}
