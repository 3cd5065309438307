// A folder made once and then reused: <root>/<key>. It is built in a temporary
// folder and renamed into place with its manifest already written, so a reader
// never sees half a folder and generators running at once cannot corrupt each
// other. A lock folder makes a second generator wait for the first instead of
// doing the same work; a lock older than the generation timeout is ignored
// (its owner died).
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MANIFEST = 'manifest.json';
const POLL_MS = 250;

export interface CacheOptions {
  root: string;
  key: string;
  /** Written as the manifest: what the folder was made from. */
  describe: Record<string, unknown>;
  /** How long a generator may take before its lock counts as stale. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function complete(dir: string): Promise<boolean> {
  try {
    await readFile(join(dir, MANIFEST));
    return true;
  } catch {
    return false;
  }
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Waits while another generator holds the lock; true once its folder is complete. */
async function waitForOther(dir: string, lock: string, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += POLL_MS) {
    if (await complete(dir)) return true;
    const held = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs < timeoutMs,
      () => false,
    );
    if (!held) return complete(dir);
    await sleep(POLL_MS);
  }
  return complete(dir);
}

async function build(
  options: CacheOptions,
  dir: string,
  make: (dir: string) => Promise<void>,
): Promise<void> {
  const temp = await mkdtemp(join(options.root, `.${options.key}-`));
  try {
    await make(temp);
    await writeFile(join(temp, MANIFEST), `${JSON.stringify(options.describe, null, 2)}\n`);
    await chmod(temp, 0o755); // mkdtemp's folder is private; the cache is shared
    await rename(temp, dir);
  } catch (error) {
    if (!(await complete(dir))) throw error;
    // Another generator renamed its copy into place first: use that one.
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The folder for `key`, made by `make` (into an empty folder) if it does not exist yet. */
export async function cachedFolder(
  options: CacheOptions,
  make: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = join(options.root, options.key);
  if (await complete(dir)) return dir;
  await mkdir(options.root, { recursive: true });
  const lock = `${dir}.lock`;
  const owner = await tryLock(lock);
  if (!owner && (await waitForOther(dir, lock, options.timeoutMs))) return dir;
  try {
    await build(options, dir, make);
  } finally {
    if (owner) await rm(lock, { recursive: true, force: true });
  }
  return dir;
}
