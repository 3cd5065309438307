// One round of `bench:failover`: the node carrying the meeting is taken away
// (SIGKILL, or `drain --migrate`), the gap each peer saw is taken once every
// peer receives every stream again, and the node is brought back (restarted,
// or undrained) for the next round. A round that does not recover within
// the bound is reported, not thrown.
import { poll, type BenchCluster } from './failoverCluster.js';
import { failoverGap, handoverGap, startMeeting, type Meeting } from './failoverMeeting.js';

export type Mode = 'failover' | 'drain --migrate';

/** Generous: two cores run both SFU nodes, two signaling nodes, six peers and the databases. */
export const RECOVERY_MS = 60_000;
/** Packets on each rebuilt stream before it counts as flowing again. */
const FLOWING = 20;
const NODE_BACK_MS = 60_000;

export interface RoundResult {
  mode: Mode;
  round: number;
  /** The node taken away, and where the meeting went. */
  from?: string;
  to?: string;
  recovered: boolean;
  /** Per peer, ms (empty unless recovered). */
  gaps: number[];
  /** mediaReset notifications per peer in this round. */
  resets: number[];
  /** ms from the restart (or undrain) to the node serving again in every signaling node's view. */
  backMs?: number;
  note?: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The one node carrying the meeting with all its peers. */
async function soleCarrier(cluster: BenchCluster, meeting: Meeting): Promise<string | undefined> {
  const carriers = await cluster.carriers(meeting.room);
  const [only] = [...carriers];
  return carriers.size === 1 && only![1] === meeting.peers.length ? only![0] : undefined;
}

/** Both nodes up, serving and undrained (whatever an earlier round left). */
async function restoreNodes(cluster: BenchCluster): Promise<void> {
  for (const id of cluster.nodeIds) {
    const child = cluster.process(id).child;
    if (child.exitCode !== null || child.signalCode !== null) await cluster.process(id).restart();
    if ((await cluster.nodeView(id))?.state === 'DRAINING') await cluster.admin(['undrain', id]);
    await cluster.waitServing(id, NODE_BACK_MS);
  }
}

let meetings = 0;

/**
 * The meeting, flowing on one node, before a round: the one given if it
 * settles, otherwise (closed and) a fresh one in a new room.
 */
export async function readyMeeting(
  cluster: BenchCluster,
  current: Meeting | undefined,
  log: (line: string) => void,
): Promise<Meeting> {
  await restoreNodes(cluster);
  const settled = async (meeting: Meeting, timeoutMs: number) =>
    poll(
      async () =>
        meeting.receivesAll(0, FLOWING) && (await soleCarrier(cluster, meeting)) !== undefined,
      'every peer receives every stream, the meeting on one node',
      timeoutMs,
      200,
    );
  if (current) {
    try {
      await settled(current, 30_000);
      return current;
    } catch (error) {
      log(`the meeting did not settle (${message(error)}); starting a fresh one`);
      await current.close();
    }
  }
  meetings += 1;
  const urls = cluster.deployment.signaling.map((s) => s.url);
  const meeting = await startMeeting(urls, `bench-failover-${meetings}`);
  try {
    await settled(meeting, RECOVERY_MS);
  } catch (error) {
    await meeting.close();
    throw error;
  }
  return meeting;
}

/** Waits for every peer to receive every stream again; false when the bound passed. */
async function recovers(meeting: Meeting, at: number): Promise<boolean> {
  return poll(
    () => meeting.receivesAll(at, FLOWING),
    'every peer receives every stream again',
    RECOVERY_MS,
    25,
  ).then(
    () => true,
    () => false,
  );
}

export async function runRound(
  mode: Mode,
  round: number,
  cluster: BenchCluster,
  meeting: Meeting,
): Promise<RoundResult> {
  const from = await soleCarrier(cluster, meeting);
  if (!from) return { mode, round, recovered: false, gaps: [], resets: [], note: 'no carrier' };
  const incarnation = (await cluster.nodeView(from))?.incarnation ?? undefined;
  const resetsBefore = meeting.mediaResets();
  const result: RoundResult = { mode, round, from, recovered: false, gaps: [], resets: [] };

  const at = performance.now();
  if (mode === 'failover') {
    await cluster.process(from).kill('SIGKILL');
  } else {
    const drained = await cluster.admin(['drain', from, '--migrate']);
    if (drained.code !== 0) return { ...result, note: `drain failed: ${drained.stderr.trim()}` };
  }
  result.recovered = await recovers(meeting, at);
  if (result.recovered) {
    result.gaps = meeting.gaps(at, mode === 'failover' ? failoverGap : handoverGap);
  } else {
    result.note = `not every peer received every stream again within ${RECOVERY_MS / 1000} s`;
  }
  result.resets = meeting.mediaResets().map((n, i) => n - resetsBefore[i]!);
  result.to = [...(await cluster.carriers(meeting.room)).keys()].join('+') || undefined;

  // Bring the node back for the next round; a failure here is the next
  // round's to repair (readyMeeting), not this round's measurement.
  try {
    const back = performance.now();
    if (mode === 'failover') {
      await cluster.process(from).restart();
      await cluster.waitServing(from, NODE_BACK_MS, incarnation);
    } else {
      await poll(
        async () => !(await cluster.carriers(meeting.room)).has(from),
        `${from} carries the meeting no more`,
        NODE_BACK_MS,
        200,
      );
      const undrained = await cluster.admin(['undrain', from]);
      if (undrained.code !== 0) throw new Error(`undrain failed: ${undrained.stderr.trim()}`);
      await cluster.waitServing(from, NODE_BACK_MS);
    }
    result.backMs = performance.now() - back;
  } catch (error) {
    result.note = [result.note, `bringing ${from} back: ${message(error)}`]
      .filter(Boolean)
      .join('; ');
  }
  return result;
}
