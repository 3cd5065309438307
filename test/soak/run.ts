// One soak, from start to verdict: start the deployment, warm it up with the
// same churn (then everyone leaves and everything must be released), take
// the memory baseline, churn for the given minutes, let everyone go, wait
// out the reconnect grace and the SFU leases, and look at what is left:
// every worker's dump, the Redis keys of the ended rooms, the processes'
// memory against the baseline. `npm run soak` prints the result; the
// cluster tier runs a short one as a self-check.
import { connectClient } from '../harness/client.js';
import { newCounts, type ChurnCounts } from './actors.js';
import { createChurn } from './churn.js';
import {
  GRACE_SECONDS,
  HEARTBEAT_MS,
  LEASE_SECONDS,
  startSoakDeployment,
  type SoakDeployment,
} from './deployment.js';
import {
  collectLeftovers,
  collectRedisLeftovers,
  isClean,
  ROOM_RECORD_TTL_MS,
  watchHeld,
  workerIsEmpty,
  type Leftovers,
  type PeakHeld,
} from './leftovers.js';
import { memoryProblem, watchMemory, type MemoryRow } from './memory.js';
import { createRandom } from '../harness/random.js';

export interface SoakOptions {
  minutes: number;
  seed: number;
  rooms: number;
  /** Participants at once, at most. */
  clients: number;
  /** Of which WebRTC peers (media both ways), at most. */
  media: number;
  signalingNodes: number;
  sfuNodes: number;
  /** mediasoup workers per SFU node. */
  workers: number;
  /** Actions under way at once. */
  lanes: number;
  warmupSeconds: number;
  /**
   * Wait until the home records of the ended rooms expire (up to
   * ROOM_TTL_MS); otherwise they are only checked to be expiring.
   */
  waitForExpiry: boolean;
  log(line: string): void;
  /** Told how to stop the deployment at once (the run was interrupted). */
  onStarted?(stop: () => Promise<void>): void;
}

export interface SoakResult {
  options: SoakOptions;
  counts: ChurnCounts;
  /** The most each worker held at once during the churn, and the most rooms with state in Redis. */
  held: { workers: Map<string, PeakHeld>; roomKeys: number };
  /** What was left once everyone was gone and the grace period and leases were over. */
  leftovers: Leftovers;
  /** From the last participant gone to nothing left behind (undefined: never). */
  settledMs: number | undefined;
  /** How long the ended rooms' home records took to expire, when waited for. */
  expiredMs: number | undefined;
  memory: MemoryRow[];
  /** Everything that makes the soak fail: leftovers, memory over its bound. */
  failures: string[];
}

/** The time everything should be released by, after the last participant went. */
const SETTLE_MS = (GRACE_SECONDS + LEASE_SECONDS) * 1000 + 10 * HEARTBEAT_MS + 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every signaling node lets a participant into a room (the SFU nodes registered). */
async function waitJoinable(deployment: SoakDeployment, rooms: Set<string>): Promise<void> {
  for (const [i, url] of deployment.urls.entries()) {
    const room = `soak-ready-${i}-${Date.now().toString(36)}`;
    rooms.add(room);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const client = await connectClient(url, { localAddress: '127.0.2.1' });
        try {
          await client.join(room, 'ready check');
          await client.request('leave', {});
        } finally {
          client.close();
        }
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }
}

/** Polls until nothing is left behind, or SETTLE_MS passed; what is left then. */
async function settle(
  deployment: SoakDeployment,
  rooms: ReadonlySet<string>,
): Promise<{ leftovers: Leftovers; settledMs: number | undefined }> {
  const started = performance.now();
  for (;;) {
    const leftovers = await collectLeftovers(deployment, rooms);
    if (isClean(leftovers)) return { leftovers, settledMs: performance.now() - started };
    if (performance.now() - started > SETTLE_MS) return { leftovers, settledMs: undefined };
    await sleep(1000);
  }
}

function describeLeftovers(leftovers: Leftovers): string[] {
  const out: string[] = [];
  for (const w of leftovers.workers) {
    if (workerIsEmpty(w)) continue;
    const load = w.load
      ? `; getLoad rooms ${w.load.rooms}, transports ${w.load.transports}, producers ${w.load.producers}, consumers ${w.load.consumers}`
      : '';
    out.push(
      `${w.worker}: routers ${w.routers}, transports ${w.transports}, producers ${w.producers}, consumers ${w.consumers}, other handles ${w.other}${load}`,
    );
  }
  for (const key of leftovers.redis.leftover) out.push(`Redis: ${key}`);
  return out;
}

async function churnPhase(
  deployment: SoakDeployment,
  options: SoakOptions,
  phase: 'w' | 'm',
  seconds: number,
  rooms: Set<string>,
): Promise<ChurnCounts> {
  const counts = newCounts();
  const churn = createChurn({
    urls: deployment.urls,
    roomPrefix: `soak${options.seed.toString(36)}${phase}`,
    rooms: options.rooms,
    clients: options.clients,
    media: options.media,
    lanes: options.lanes,
    graceMs: GRACE_SECONDS * 1000,
    // Warm-up and main phase draw from generators of their own.
    random: createRandom(options.seed + (phase === 'w' ? 0x9e3779b9 : 0)),
    counts,
  });
  await churn.run(performance.now() + seconds * 1000);
  await churn.windDown();
  for (const room of churn.roomNames) rooms.add(room);
  return counts;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const failures: string[] = [];
  const rooms = new Set<string>();
  log(
    `starting Redis, PostgreSQL, ${options.sfuNodes} SFU node(s), ${options.signalingNodes} signaling node(s)…`,
  );
  const deployment = await startSoakDeployment(options);
  options.onStarted?.(deployment.stop);
  try {
    await waitJoinable(deployment, rooms);
    const memory = watchMemory(deployment);

    log(`warm-up: ${options.warmupSeconds} s of churn (seed ${options.seed})…`);
    await churnPhase(deployment, options, 'w', options.warmupSeconds, rooms);
    const warm = await settle(deployment, rooms);
    if (warm.settledMs === undefined) {
      failures.push(...describeLeftovers(warm.leftovers).map((l) => `after the warm-up: ${l}`));
    }
    await memory.baseline();

    log(`churn: ${options.minutes} min…`);
    const watching = watchHeld(deployment);
    const counts = await churnPhase(deployment, options, 'm', options.minutes * 60, rooms);
    const held = await watching.stop();
    log('everyone gone; waiting for the grace period and leases to run out…');
    const { leftovers, settledMs } = await settle(deployment, rooms);
    failures.push(...describeLeftovers(leftovers));

    let expiredMs: number | undefined;
    if (options.waitForExpiry && leftovers.redis.expiring.length > 0) {
      log(
        `waiting for ${leftovers.redis.expiring.length} home record(s) of ended rooms to expire…`,
      );
      const started = performance.now();
      for (;;) {
        const redis = await collectRedisLeftovers(deployment, rooms);
        failures.push(...redis.leftover.map((key) => `Redis, while waiting: ${key}`));
        if (redis.expiring.length === 0) {
          expiredMs = performance.now() - started;
          break;
        }
        if (performance.now() - started > ROOM_RECORD_TTL_MS + 30_000) {
          failures.push(...redis.expiring.map((e) => `Redis: ${e.key} outlived its lifetime`));
          break;
        }
        await sleep(2000);
      }
    }

    const rows = await memory.end();
    for (const row of rows) {
      const problem = memoryProblem(row);
      if (problem) failures.push(problem);
    }
    return {
      options,
      counts,
      held,
      leftovers,
      settledMs,
      expiredMs,
      memory: rows,
      failures: [...new Set(failures)],
    };
  } finally {
    log('stopping the deployment…');
    await deployment.stop();
  }
}
