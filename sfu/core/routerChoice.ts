// Which router of a room a peer's media goes on, chosen once, when the peer
// creates its first transport. Pure: the room passes a snapshot of its
// routers and of the node's workers. A room grows onto another worker only
// when its workers are too full for the newcomer, so small rooms stay on one
// router and need no piping between workers.

export interface WorkerSnapshot {
  index: number;
  /** Consumers the worker carries now, every room's. */
  consumers: number;
  /** Takes no new rooms (nor a room's new router) while another worker can. */
  draining: boolean;
}

export interface RouterChoiceInput {
  /** The worker index of each of the room's routers, oldest first (the first is the room's home). */
  roomWorkers: readonly number[];
  /** The node's live workers. */
  workers: readonly WorkerSnapshot[];
  /** Consumers one worker is sized for (SFU_CONSUMERS_PER_WORKER). */
  consumersPerWorker: number;
  /** The room's producers now: about as many consumers as the newcomer will take. */
  roomProducers: number;
}

export type RouterChoice = { existing: number } | { newOn: number };

/**
 * The room's router whose worker has the most spare consumers, if that worker
 * can take about as many consumers as the room has producers; otherwise a new
 * router on the worker (without one of this room) with the most spare — a
 * draining one only when every other worker has one — if it has more spare
 * than the room's best. Otherwise the room's router with the most spare. Ties go to the older router and the
 * lower worker index, so the same snapshot always gives the same answer.
 */
export function chooseRouter(input: RouterChoiceInput): RouterChoice {
  const { roomWorkers, workers, consumersPerWorker, roomProducers } = input;
  const spare = new Map(workers.map((w) => [w.index, consumersPerWorker - w.consumers]));
  const spareOf = (index: number) => spare.get(index) ?? Number.NEGATIVE_INFINITY;

  let bestWorker: number | undefined;
  for (const index of roomWorkers) {
    if (bestWorker === undefined || spareOf(index) > spareOf(bestWorker)) bestWorker = index;
  }
  if (bestWorker !== undefined && spareOf(bestWorker) >= roomProducers) {
    return { existing: bestWorker };
  }

  const free = workers
    .filter((w) => !roomWorkers.includes(w.index))
    .sort((x, y) => spareOf(y.index) - spareOf(x.index) || x.index - y.index);
  const open = free.filter((w) => !w.draining);
  const candidate = (open.length > 0 ? open : free)[0];
  // A new router helps only on a worker with more room than the room's best.
  if (candidate && (bestWorker === undefined || spareOf(candidate.index) > spareOf(bestWorker))) {
    return { newOn: candidate.index };
  }
  if (bestWorker === undefined) throw new Error('no worker to place the room on');
  return { existing: bestWorker };
}
