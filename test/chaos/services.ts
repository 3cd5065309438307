// The chaos run's own Redis and PostgreSQL: it stops and starts them, so it
// never uses the shell's REDIS_URL / DATABASE_URL (another run's data would
// go with them). Each is the tests' own server (test/harness), on a random
// loopback port, and comes back on the same port. Redis runs as the default
// deployment does (nothing kept on disk: a restart empties it, docs/state.md
// "When Redis restarts empty"); PostgreSQL keeps its data and flushes every
// commit it acknowledges (a restart is a fast shutdown and a start of the
// same cluster).
import { startPostgres } from '../harness/postgres.js';
import { startTestRedis } from '../harness/redis.js';

/** A server the run can take away and bring back. */
export interface ChaosService {
  readonly url: string;
  /** Stops it (the port stays the run's); resolves once it exited. */
  down(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers. */
  up(): Promise<void>;
  /** Stops it for good and removes its data. */
  stop(): Promise<void>;
}

export async function startChaosRedis(): Promise<ChaosService> {
  const redis = await startTestRedis({ restartable: true });
  return { url: redis.url, down: redis.down, up: redis.up, stop: redis.stop };
}

/** A PostgreSQL server of the run's own; `url` is a database of its own on it. */
export async function startChaosPostgres(): Promise<ChaosService> {
  const server = await startPostgres(process.env, { restartable: true });
  try {
    const url = await server.createDatabase();
    return { url, down: server.down, up: server.up, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
