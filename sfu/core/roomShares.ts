// What one room puts on each worker of the node (getLoad, and where a
// newcomer fits): its routers, its peers' media on them, its pipes toward
// other nodes (on its first router), and the producers it pipes between its
// own routers (a consumer on the source's worker, a producer on the target's).
import type { types } from 'mediasoup';
import type { PeerMedia } from './peerMedia.js';
import type { RoomPipes } from './pipes.js';
import type { RoomRouters } from './roomRouters.js';

export interface WorkerShare {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  /** The open transports it moves bytes through. */
  transportList: (types.WebRtcTransport | types.PipeTransport)[];
}

export function roomShares(
  peers: Iterable<PeerMedia>,
  routers: RoomRouters,
  pipes: RoomPipes,
): Map<number, WorkerShare> {
  const shares = new Map<number, WorkerShare>();
  const on = (pid: number): WorkerShare => {
    let share = shares.get(pid);
    if (!share) {
      share = { routers: 0, transports: 0, producers: 0, consumers: 0, transportList: [] };
      shares.set(pid, share);
    }
    return share;
  };
  for (const r of routers.all()) on(r.pooled.worker.pid).routers += 1;
  for (const media of peers) {
    if (!media.router) continue;
    const share = on(media.router.pooled.worker.pid);
    share.transports += media.transports.size;
    share.producers += media.producers.size;
    share.consumers += media.consumers.size;
    share.transportList.push(...media.transports.values());
  }
  // A pipe costs its worker like a peer's media: its transport, the
  // producers it brings in, and one consumer per producer it sends.
  const home = on(routers.first.pooled.worker.pid);
  const p = pipes.counts();
  home.transports += p.pipeTransports;
  home.producers += p.pipedProducers;
  home.consumers += p.pipeConsumers;
  home.transportList.push(...pipes.transports());
  const between = routers.piped();
  for (const [pid, n] of between.consumers) on(pid).consumers += n;
  for (const [pid, n] of between.producers) on(pid).producers += n;
  return shares;
}
