// The table `npm run chaos` prints: one row per fault with how long until
// every bot received every stream again (over its rounds), what was read
// back after each round, what was lost and whether the audit chain held.
import { cpus } from 'node:os';
import { percentile } from '../bench/target.js';
import { roundFailed, RECOVERY_BOUND_MS, type ChaosResult, type RoundResult } from './run.js';

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');

/** `yes` when every chain checked verified; rounds that never got to the check do not count. */
function chainColumn(rounds: readonly RoundResult[]): string {
  const checked = rounds.filter((r) => r.chain !== 'unchecked');
  if (checked.length === 0) return '-';
  return checked.every((r) => r.chainOk) ? 'yes' : 'NO';
}

export function formatReport(result: ChaosResult, elapsedMs: number): string {
  const header = [
    'fault',
    'rounds',
    `recovered ≤ ${RECOVERY_BOUND_MS / 1000} s`,
    'recovery p50 s',
    'p95 s',
    'max s',
    'longest gap s',
    'acked during',
    'items checked',
    'lost',
    'chain ok',
  ];
  const rows: string[][] = [];
  for (const r of result.results) {
    if ('skipped' in r) {
      rows.push([r.fault, '0', 'skipped', '-', '-', '-', '-', '-', '-', '-', '-']);
      continue;
    }
    const times = r.rounds
      .filter((x) => x.recovered)
      .map((x) => x.recoveryMs)
      .sort((a, b) => a - b);
    const gaps = r.rounds.map((x) => x.longestGapMs).filter(Number.isFinite);
    rows.push([
      r.fault,
      String(r.rounds.length),
      `${r.rounds.filter((x) => x.recovered).length}/${r.rounds.length}`,
      seconds(percentile(times, 50)),
      seconds(percentile(times, 95)),
      seconds(times.at(-1) ?? Number.NaN),
      seconds(gaps.length > 0 ? Math.max(...gaps) : Number.NaN),
      String(r.rounds.reduce((n, x) => n + x.ackedDuring, 0)),
      String(Math.max(0, ...r.rounds.map((x) => x.checked))),
      String(r.rounds.reduce((n, x) => n + x.lost.length, 0)),
      chainColumn(r.rounds),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    `Chaos: 2 SFU nodes, 2 signaling nodes, Redis, PostgreSQL and the bots on ${cpus().length} cores shared by all of them; run took ${(elapsedMs / 1000).toFixed(0)} s`,
    'recovery: from the fault until every bot receives every stream again without a gap over 0.5 s (0: media never stopped)',
    'items checked: everything acknowledged so far, read back after the round (cumulative)',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ];
  for (const r of result.results) if ('skipped' in r) out.push(`${r.fault} skipped: ${r.skipped}`);
  const failedRounds = result.results.flatMap((r) =>
    'rounds' in r ? r.rounds.filter(roundFailed) : [],
  );
  for (const r of failedRounds) {
    out.push(
      `FAILED ${r.fault} round ${r.round}: ${r.note ?? ''} ${r.lost.join('; ')} ${r.chainOk ? '' : r.chain}`.trim(),
    );
  }
  if (result.logs.length > 0) out.push(`the nodes' logs: ${result.logs.join(', ')}`);
  return out.join('\n');
}

/** Whether the run passed: every round recovered in time, nothing lost, the chain intact. */
export const passed = (result: ChaosResult): boolean =>
  result.results.every((r) => 'skipped' in r || !r.rounds.some(roundFailed));
