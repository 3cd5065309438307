// npm run bench:failover — how long a meeting goes without media when the
// SFU node carrying it goes away. One deployment (Redis, PostgreSQL, two SFU
// nodes in the registry, two signaling nodes) and a six-person meeting
// (three sending audio and video, everyone receiving). Then, BENCH_ROUNDS
// times (default 10) each:
//
// - failover: SIGKILL of the node carrying the meeting; every peer rebuilds
//   its media on the other node; the killed node is restarted and, once
//   every signaling node counts it as serving again, the next round kills
//   the node the meeting is on now;
// - drain --migrate: `npm run admin -- drain <node> --migrate` moves the
//   meeting to the other node; the node is undrained for the next round.
//
// Each peer's gap is the largest over the streams it receives: last packet
// before → first packet after. A round counts once every peer receives every
// stream again (or not, after RECOVERY_MS). A benchmark: it asserts nothing.
import { cpus } from 'node:os';
import { startBenchCluster, type BenchCluster } from './failoverCluster.js';
import type { Meeting } from './failoverMeeting.js';
import {
  readyMeeting,
  RECOVERY_MS,
  runRound,
  type Mode,
  type RoundResult,
} from './failoverRounds.js';
import { percentile } from './target.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const MODES: readonly Mode[] = ['failover', 'drain --migrate'];
/** Rounds that could not even start, one after another, before a mode gives up. */
const GIVE_UP_AFTER = 3;

/** Settles once the deployment is up (or its start failed and stopped what it had started). */
let starting: Promise<unknown> = Promise.resolve();
let cluster: BenchCluster | undefined;
let meeting: Meeting | undefined;
let interrupted = false;
let cleaning: Promise<string[]> | undefined;
const cleanUp = (options: { keepLogs?: boolean; hard?: boolean } = {}) =>
  (cleaning ??= (async () => {
    await meeting?.close().catch(() => undefined);
    return (await cluster?.stop(options)) ?? [];
  })());

// Interrupted, the bench still stops every process it started: at once,
// without draining (the round under way would not finish cleanly anyway).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the deployment…\n`);
    // Mid-start, the processes started so far are known only once it settles.
    void starting
      .catch(() => undefined)
      .then(() => cleanUp({ hard: true }))
      .finally(() => process.exit(130));
  });
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-');

function describeRound(r: RoundResult): string {
  const head = `${r.mode.padEnd(15)} round ${String(r.round).padStart(2)}: ${r.from ?? '?'} → ${r.to ?? '?'}`;
  const gaps = r.recovered ? `gaps ${r.gaps.map(ms).join(', ')} ms` : 'NOT RECOVERED';
  const resets = r.resets.length > 0 ? `, resets ${r.resets.join(',')}` : '';
  const back = r.backMs === undefined ? '' : `, node back in ${(r.backMs / 1000).toFixed(1)} s`;
  return `${head}: ${gaps}${resets}${back}${r.note ? ` (${r.note})` : ''}`;
}

async function runMode(mode: Mode, log: (line: string) => void): Promise<RoundResult[]> {
  const results: RoundResult[] = [];
  let failedStarts = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    let result: RoundResult;
    try {
      meeting = await readyMeeting(cluster!, meeting, log);
      result = await runRound(mode, round, cluster!, meeting);
      failedStarts = 0;
    } catch (error) {
      const note = error instanceof Error ? error.message : String(error);
      result = { mode, round, recovered: false, gaps: [], resets: [], note };
      failedStarts += 1;
    }
    if (interrupted) break;
    results.push(result);
    log(describeRound(result));
    if (failedStarts >= GIVE_UP_AFTER) {
      log(`${mode}: ${GIVE_UP_AFTER} rounds in a row could not start; giving up on it`);
      break;
    }
  }
  return results;
}

function printTable(results: ReadonlyMap<Mode, RoundResult[]>, seconds: number): void {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const widths = [15, 6, 7, 11, 11, 11, 20];
  const pad = (cells: string[]) =>
    row(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))));
  console.log('');
  console.log(
    `SFU node loss under a 6-peer meeting (3 sending audio + video), ${cpus().length} cores shared by everything: ` +
      'Redis, PostgreSQL, 2 SFU nodes, 2 signaling nodes and the 6 peers',
  );
  console.log(
    'gap: per peer, the largest over the streams it receives, last packet before → first after; ' +
      `samples: peers × recovered rounds; run took ${seconds.toFixed(0)} s`,
  );
  console.log(
    pad([
      'mode',
      'rounds',
      'samples',
      'gap p50 ms',
      'gap p95 ms',
      'gap max ms',
      `recovered ≤ ${RECOVERY_MS / 1000} s`,
    ]),
  );
  console.log(row(widths.map((w) => '-'.repeat(w))).replaceAll(' ', '-'));
  for (const [mode, rounds] of results) {
    const gaps = rounds
      .flatMap((r) => r.gaps)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const recovered = rounds.filter((r) => r.recovered).length;
    console.log(
      pad([
        mode,
        String(rounds.length),
        String(gaps.length),
        ms(percentile(gaps, 50)),
        ms(percentile(gaps, 95)),
        ms(gaps.at(-1) ?? Number.NaN),
        `${recovered}/${rounds.length}`,
      ]),
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const results = new Map<Mode, RoundResult[]>();
  let failed = true;
  try {
    log('starting Redis, PostgreSQL, 2 SFU nodes, 2 signaling nodes…');
    const start = startBenchCluster();
    starting = start;
    cluster = await start;
    for (const mode of MODES) results.set(mode, await runMode(mode, log));
    failed = [...results.values()].flat().some((r) => !r.recovered);
  } finally {
    const logs = await cleanUp({ keepLogs: failed });
    if (logs.length > 0) log(`the SFU nodes' logs: ${logs.join(', ')}`);
  }
  printTable(results, (performance.now() - started) / 1000);
}

// Peers' sockets and timers may outlive their close by a moment: the run is over.
await main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
