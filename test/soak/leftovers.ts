// What a deployment still holds once every participant of the soak is gone:
// per mediasoup worker, its routers, transports, producers and consumers as
// the worker's own dump lists them (and as the SFU node's getLoad counts
// them), and the Redis keys of the soak's ended rooms (docs/state.md: the
// room's state, its home SFU node, where its peers' media sit, its entry in
// the room index — and any other key naming one of them).
import type { SoakDeployment } from './deployment.js';
import { leftoversOf } from './probes.js';

export interface WorkerLeftovers {
  /** `sfu-1 w0 (pid 1234)`. */
  worker: string;
  pid: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  /** Other handles registered in the worker (RTP observers, entities of unknown routers). */
  other: number;
  /** As the node's own bookkeeping counts them (getLoad): rooms, transports, producers, consumers. */
  load: { rooms: number; transports: number; producers: number; consumers: number } | undefined;
}

export interface RedisLeftovers {
  /** Keys of ended rooms that should be gone (or index entries naming one). */
  leftover: string[];
  /**
   * Home records of ended rooms (`home:<room>`): they are not deleted when
   * the room ends, they expire ROOM_TTL_MS after their last refresh
   * (docs/state.md). With their remaining time to live, ms.
   */
  expiring: Array<{ key: string; ttlMs: number }>;
}

/** The most each worker held at once while the churn ran (what the end checks start from). */
export interface PeakHeld {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * Samples the workers' dumps and the rooms' Redis records every `everyMs`
 * while the churn runs: the peak per worker, and the most room keys seen.
 */
export function watchHeld(
  deployment: SoakDeployment,
  everyMs = 5000,
): { stop(): Promise<{ workers: Map<string, PeakHeld>; roomKeys: number }> } {
  const workers = new Map<string, PeakHeld>();
  let roomKeys = 0;
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    for (const w of await collectWorkerLeftovers(deployment).catch(() => [])) {
      const peak = workers.get(w.worker) ?? {
        routers: 0,
        transports: 0,
        producers: 0,
        consumers: 0,
      };
      peak.routers = Math.max(peak.routers, w.routers);
      peak.transports = Math.max(peak.transports, w.transports);
      peak.producers = Math.max(peak.producers, w.producers);
      peak.consumers = Math.max(peak.consumers, w.consumers);
      workers.set(w.worker, peak);
    }
    let keys = 0;
    for await (const batch of deployment.redis.scanIterator({
      MATCH: `${deployment.prefix}room:*`,
      COUNT: 500,
    })) {
      keys += Array.isArray(batch) ? batch.length : 1;
    }
    roomKeys = Math.max(roomKeys, keys);
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      return { workers, roomKeys };
    },
  };
}

export interface Leftovers {
  workers: WorkerLeftovers[];
  redis: RedisLeftovers;
}

/** How long a room's records live after their last write or refresh (ROOM_TTL_MS). */
export const ROOM_RECORD_TTL_MS = 2 * 60_000;

export const workerIsEmpty = (w: WorkerLeftovers): boolean =>
  w.routers + w.transports + w.producers + w.consumers + w.other === 0 &&
  (w.load === undefined ||
    w.load.rooms + w.load.transports + w.load.producers + w.load.consumers === 0);

/** The keys a room name shows up in, and whether it is a record that expires by design. */
function classify(
  bare: string,
  rooms: ReadonlySet<string>,
): 'room-record' | 'home' | 'infrastructure' {
  const match = /^(room|home|peers):(.+)$/.exec(bare);
  if (match) return match[1] === 'home' && rooms.has(match[2]!) ? 'home' : 'room-record';
  for (const room of rooms) if (bare.includes(room)) return 'room-record';
  return 'infrastructure';
}

export async function collectRedisLeftovers(
  deployment: SoakDeployment,
  endedRooms: ReadonlySet<string>,
): Promise<RedisLeftovers> {
  const { redis, prefix } = deployment;
  const leftover: string[] = [];
  const expiring: RedisLeftovers['expiring'] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    for (const key of Array.isArray(batch) ? batch : [batch]) {
      const bare = key.slice(prefix.length);
      if (bare === 'rooms') {
        // The live-room index: an entry naming an ended room is a leftover.
        for (const member of await redis.zRange(key, 0, -1)) {
          if (endedRooms.has(member)) leftover.push(`${key} ∋ ${member}`);
        }
        continue;
      }
      const kind = classify(bare, endedRooms);
      if (kind === 'infrastructure') continue;
      const ttlMs = await redis.pTTL(key);
      if (ttlMs === -2) continue; // expired between the scan and now
      if (kind === 'home' && ttlMs > 0 && ttlMs <= ROOM_RECORD_TTL_MS)
        expiring.push({ key, ttlMs });
      else leftover.push(key);
    }
  }
  return { leftover: leftover.sort(), expiring };
}

export async function collectWorkerLeftovers(
  deployment: SoakDeployment,
): Promise<WorkerLeftovers[]> {
  const out: WorkerLeftovers[] = [];
  for (const proc of deployment.processes) {
    if (proc.kind !== 'sfu') continue;
    const dumps = await deployment.probes.media(proc.pid);
    const load = await deployment.sfu
      .get(proc.name)
      ?.call('getLoad', {})
      .catch(() => undefined);
    dumps.forEach((dump, i) => {
      const counted = load?.workers.find((w) => w.pid === dump.pid);
      out.push({
        worker: `${proc.name} w${i} (pid ${dump.pid})`,
        pid: dump.pid,
        ...leftoversOf(dump),
        load: counted && {
          rooms: counted.rooms,
          transports: counted.transports,
          producers: counted.producers ?? 0,
          consumers: counted.consumers,
        },
      });
    });
  }
  return out;
}

export async function collectLeftovers(
  deployment: SoakDeployment,
  endedRooms: ReadonlySet<string>,
): Promise<Leftovers> {
  return {
    workers: await collectWorkerLeftovers(deployment),
    redis: await collectRedisLeftovers(deployment, endedRooms),
  };
}

/** Nothing left behind (expiring home records aside). */
export const isClean = (l: Leftovers): boolean =>
  l.workers.every(workerIsEmpty) && l.redis.leftover.length === 0;
