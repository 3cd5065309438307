// The two engines the persistence suite runs on, with identical tests:
// PGlite in process, and a real PostgreSQL (DATABASE_URL or our own server).
// Every suite gets fresh databases copied from one migrated template.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { migrate, type Database } from '../../../../signaling/db/index.js';
import { openPglite } from '../../../../signaling/db/pglite.js';
import { openPostgres } from '../../../../signaling/db/postgres.js';
import { startPostgres } from '../../../harness/postgres.js';

export type Engine = 'pglite' | 'postgres';

export interface Backend {
  readonly engine: Engine;
  /** A new database with every migration applied. */
  fresh(): Promise<Database>;
  /** A new database with nothing in it. */
  empty(): Promise<Database>;
  /** A migrated database the CLIs can open too, with the environment that points them at it. */
  onDisk(): Promise<{ db: Database; env: Record<string, string> }>;
  /** Opens what `onDisk` made again (PGlite allows one process at a time). */
  reopen(env: Record<string, string>): Promise<Database>;
}

async function pgliteBackend(): Promise<Backend & { stop(): Promise<void> }> {
  const template = await openPglite();
  await migrate(template);
  const dump = await template.dump();
  await template.close();
  const opened: Database[] = [];
  const dirs: string[] = [];
  const track = (db: Database) => (opened.push(db), db);
  return {
    engine: 'pglite',
    fresh: async () => track(await openPglite({ from: dump })),
    empty: async () => track(await openPglite()),
    async onDisk() {
      const dir = mkdtempSync(join(tmpdir(), 'veche-pglite-'));
      dirs.push(dir);
      const db = await openPglite({ dataDir: join(dir, 'pglite') });
      await migrate(db);
      return { db, env: { DATA_DIR: dir } };
    },
    reopen: async (env) => track(await openPglite({ dataDir: join(env.DATA_DIR!, 'pglite') })),
    async stop() {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend & { stop(): Promise<void> }> {
  const server = await startPostgres();
  const templateUrl = await server.createDatabase();
  const template = openPostgres(templateUrl);
  await migrate(template);
  await template.close();
  const opened: Database[] = [];
  const track = (db: Database) => (opened.push(db), db);
  return {
    engine: 'postgres',
    fresh: async () => track(openPostgres(await server.createDatabase(templateUrl))),
    empty: async () => track(openPostgres(await server.createDatabase())),
    async onDisk() {
      const url = await server.createDatabase(templateUrl);
      return { db: openPostgres(url), env: { DATABASE_URL: url } };
    },
    reopen: async (env) => track(openPostgres(env.DATABASE_URL!)),
    async stop() {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      await server.stop();
    },
  };
}

/** The running backend, and which engine it is (known before it starts, for tests only one engine has). */
export type BackendHandle = (() => Backend) & { readonly engine: Engine };

/** Starts the engine before the file's tests and stops it after; suites call `backend()`. */
export function useBackend(engine: Engine): BackendHandle {
  let current: (Backend & { stop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    current = engine === 'pglite' ? await pgliteBackend() : await postgresBackend();
  });
  afterAll(async () => {
    await current?.stop();
  });
  const handle = () => {
    if (!current) throw new Error('backend not started');
    return current;
  };
  return Object.assign(handle, { engine });
}
