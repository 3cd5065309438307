// What each worker carries (getLoad): the routers of every room on it, their
// transports, producers and consumers, the bytes its transports moved and its
// CPU time.
import type { SfuResponse } from '../api/methods.js';
import type { Room } from './room.js';
import type { WorkerShare } from './roomShares.js';
import type { WorkerPool } from './workerPool.js';

type WorkerLoad = SfuResponse<'getLoad'>['workers'][number];

async function bytesOf(share: WorkerShare): Promise<{ bytesIn: number; bytesOut: number }> {
  const stats = await Promise.all(
    share.transportList.map((t) => (t.closed ? Promise.resolve([]) : t.getStats().catch(() => []))),
  );
  let bytesIn = 0;
  let bytesOut = 0;
  for (const list of stats) {
    for (const s of list) {
      bytesIn += s.bytesReceived;
      bytesOut += s.bytesSent;
    }
  }
  return { bytesIn, bytesOut };
}

export async function workerLoads(
  pool: WorkerPool,
  openRooms: Iterable<Room>,
): Promise<WorkerLoad[]> {
  const shares = [...openRooms].filter((r) => !r.closed).map((r) => r.shares());
  const workers = pool.all();
  const cpu = await Promise.all(
    workers.map((pooled) =>
      pooled.worker.getResourceUsage().then(
        (usage) => usage.ru_utime + usage.ru_stime,
        () => undefined,
      ),
    ),
  );
  return Promise.all(
    workers.map(async (pooled, i) => {
      const here = shares.flatMap((byPid) => byPid.get(pooled.worker.pid) ?? []);
      let rooms = 0;
      let transports = 0;
      let producers = 0;
      let consumers = 0;
      for (const share of here) {
        // `rooms` counts routers: a room spread over workers costs each one.
        rooms += share.routers;
        transports += share.transports;
        producers += share.producers;
        consumers += share.consumers;
      }
      let bytesIn = 0;
      let bytesOut = 0;
      for (const t of await Promise.all(here.map(bytesOf))) {
        bytesIn += t.bytesIn;
        bytesOut += t.bytesOut;
      }
      const cpuMs = cpu[i];
      return {
        index: pooled.index,
        pid: pooled.worker.pid,
        rooms,
        transports,
        producers,
        consumers,
        bytesIn,
        bytesOut,
        draining: pool.isDraining(pooled.index),
        ...(cpuMs === undefined ? {} : { cpuMs }),
      };
    }),
  );
}
