// What each worker carries (getLoad): the routers of every room on it, their
// transports, producers and consumers, the bytes its transports moved, their
// bitrates and packet loss now, and its CPU time. One getStats per open
// transport: the cost grows with transports, not with streams.
import type { SfuResponse } from '../api/methods.js';
import type { Room } from './room.js';
import type { WorkerShare } from './roomShares.js';
import type { WorkerPool } from './workerPool.js';

type WorkerLoad = SfuResponse<'getLoad'>['workers'][number];

/** What a worker's transports moved and are moving now. */
interface Traffic {
  bytesIn: number;
  bytesOut: number;
  bitrateIn: number;
  bitrateOut: number;
  /** Loss × bitrate of the transports that measure loss, and their bitrate: a weighted mean. */
  lossIn: { weighted: number; bitrate: number };
  lossOut: { weighted: number; bitrate: number };
  pipeTransports: number;
}

const noTraffic = (): Traffic => ({
  bytesIn: 0,
  bytesOut: 0,
  bitrateIn: 0,
  bitrateOut: 0,
  lossIn: { weighted: 0, bitrate: 0 },
  lossOut: { weighted: 0, bitrate: 0 },
  pipeTransports: 0,
});

/**
 * Loss comes from transport-wide congestion control (mediasoup's
 * rtpPacketLossReceived / rtpPacketLossSent): what the SFU finds missing of
 * what it receives, and what the browsers' feedback says is missing of what
 * it sends. Transports without that feedback measure none and are left out.
 */
async function trafficOf(share: WorkerShare, into: Traffic): Promise<void> {
  const stats = await Promise.all(
    share.transportList.map((t) => (t.closed ? Promise.resolve([]) : t.getStats().catch(() => []))),
  );
  for (const t of share.transportList) if (t.type === 'pipe') into.pipeTransports += 1;
  for (const list of stats) {
    for (const s of list) {
      into.bytesIn += s.bytesReceived;
      into.bytesOut += s.bytesSent;
      into.bitrateIn += s.recvBitrate;
      into.bitrateOut += s.sendBitrate;
      if (s.rtpPacketLossReceived !== undefined) {
        into.lossIn.weighted += s.rtpPacketLossReceived * s.recvBitrate;
        into.lossIn.bitrate += s.recvBitrate;
      }
      if (s.rtpPacketLossSent !== undefined) {
        into.lossOut.weighted += s.rtpPacketLossSent * s.sendBitrate;
        into.lossOut.bitrate += s.sendBitrate;
      }
    }
  }
}

/** The weighted mean, clamped to 0–1; undefined when nothing was measured. */
const lossOf = ({ weighted, bitrate }: { weighted: number; bitrate: number }) =>
  bitrate > 0 ? Math.min(1, Math.max(0, weighted / bitrate)) : undefined;

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
      const traffic = noTraffic();
      await Promise.all(here.map((share) => trafficOf(share, traffic)));
      const cpuMs = cpu[i];
      const lossIn = lossOf(traffic.lossIn);
      const lossOut = lossOf(traffic.lossOut);
      return {
        index: pooled.index,
        pid: pooled.worker.pid,
        rooms,
        transports,
        producers,
        consumers,
        bytesIn: traffic.bytesIn,
        bytesOut: traffic.bytesOut,
        bitrateIn: traffic.bitrateIn,
        bitrateOut: traffic.bitrateOut,
        ...(lossIn === undefined ? {} : { lossIn }),
        ...(lossOut === undefined ? {} : { lossOut }),
        pipeTransports: traffic.pipeTransports,
        draining: pool.isDraining(pooled.index),
        ...(cpuMs === undefined ? {} : { cpuMs }),
      };
    }),
  );
}
