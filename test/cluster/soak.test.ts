// The soak's self-check: the code of `npm run soak`, run for half a minute
// with a few participants against its own deployment (Redis, PostgreSQL,
// two SFU node processes, two signaling node processes), so the soak cannot
// rot unnoticed. It asserts what the soak itself requires: once everyone is
// gone and the grace period and leases ran out, every mediasoup worker's
// dump is empty, no Redis key of an ended room is left (home records aside,
// which must be expiring within their lifetime), and each process's memory
// is back within its bound of the baseline.
import { describe, expect, it } from 'vitest';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { ROOM_RECORD_TTL_MS } from '../soak/leftovers.js';
import { formatReport } from '../soak/report.js';
import { runSoak } from '../soak/run.js';

const unbuildable = prepareServerBuild();
if (unbuildable) console.log(`skipped: soak self-check: ${unbuildable}`);

describe.skipIf(unbuildable !== undefined)('the soak, short', () => {
  it('leaves nothing behind after join, leave, drop, produce and pause churn', async () => {
    const result = await runSoak({
      minutes: 0.5,
      seed: 20240611,
      rooms: 2,
      clients: 6,
      media: 2,
      signalingNodes: 2,
      sfuNodes: 2,
      workers: 1,
      lanes: 2,
      warmupSeconds: 10,
      waitForExpiry: false,
      log: () => undefined,
    });
    const report = formatReport(result);
    // The churn did happen: people came and went, media were sent and paused.
    expect(result.counts.joins, report).toBeGreaterThan(5);
    expect(result.counts.mediaJoins, report).toBeGreaterThan(0);
    expect(result.counts.leaves + result.counts.pageCloses, report).toBeGreaterThan(0);
    expect(result.counts.drops, report).toBeGreaterThan(0);
    expect(result.counts.produces, report).toBeGreaterThan(0);
    // …and the checks looked at something that was there.
    const held = [...result.held.workers.values()];
    expect(
      held.reduce((n, w) => n + w.routers, 0),
      report,
    ).toBeGreaterThan(0);
    expect(result.held.roomKeys, report).toBeGreaterThan(0);

    for (const worker of result.leftovers.workers) {
      expect(
        [worker.routers, worker.transports, worker.producers, worker.consumers, worker.other],
        `${worker.worker}\n${report}`,
      ).toEqual([0, 0, 0, 0, 0]);
    }
    expect(result.leftovers.redis.leftover, report).toEqual([]);
    for (const home of result.leftovers.redis.expiring) {
      expect(home.ttlMs, report).toBeLessThanOrEqual(ROOM_RECORD_TTL_MS);
    }
    expect(result.failures, report).toEqual([]);
  }, 600_000);
});
