// What each worker carries (getLoad): the rooms on it, their transports,
// producers and consumers, the bytes its transports moved and its CPU time.
import type { SfuResponse } from '../api/methods.js';
import type { Room } from './room.js';
import type { WorkerPool } from './workerPool.js';

type WorkerLoad = SfuResponse<'getLoad'>['workers'][number];

export async function workerLoads(
  pool: WorkerPool,
  openRooms: Iterable<Room>,
): Promise<WorkerLoad[]> {
  const rooms = [...openRooms].filter((r) => !r.closed && !r.router.closed);
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
      const here = rooms.filter((r) => r.workerPid === pooled.worker.pid);
      let transports = 0;
      let producers = 0;
      let consumers = 0;
      for (const r of here) {
        const c = r.counts();
        // A pipe costs its worker like a peer's media: its transport, the
        // producers it brings in, and one consumer per producer it sends.
        const p = r.pipes.counts();
        transports += c.transports + p.pipeTransports;
        producers += c.producers + p.pipedProducers;
        consumers += c.consumers + p.pipeConsumers;
      }
      let bytesIn = 0;
      let bytesOut = 0;
      for (const t of await Promise.all(here.map((r) => r.traffic()))) {
        bytesIn += t.bytesIn;
        bytesOut += t.bytesOut;
      }
      const cpuMs = cpu[i];
      return {
        index: pooled.index,
        pid: pooled.worker.pid,
        rooms: here.length,
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
