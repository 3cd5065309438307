// The tables `bench:scaling` prints: one row per size and configuration
// (rounds pooled), then the model fitted to them and the projection to more
// workers.
import {
  configLabel,
  CORE_US_PER_S,
  loss,
  lossIn,
  lossOut,
  usPerPacket,
  totalUsPerPacket,
  type Measurement,
  type OneWorkerModel,
  type PipeShares,
  type Projection,
} from './scalingMath.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SizeRows {
  consumers: number;
  rows: Measurement[];
  /** Per multi-worker config: efficiency and pipe cost, over the rounds. */
  derived: Map<string, { efficiency: Spread; pipeUs: Spread }>;
}

function table(columns: readonly (readonly [string, number])[], rows: readonly string[][]): string {
  const cell = (c: string, i: number) =>
    i < 2 ? c.padEnd(columns[i]![1]) : c.padStart(columns[i]![1]);
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(columns.map(([name]) => name)),
    `|${columns.map(([, w]) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const spread = (s: Spread | undefined, digits: number) =>
  !s
    ? ''
    : s.min === s.max
      ? num(s.median, digits)
      : `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;

const MAIN_COLUMNS = [
  ['consumers', 9],
  ['config', 8],
  ['forwarded pkt/s', 15],
  ['delivered pkt/s', 15],
  ['loss', 6],
  ['of it in / out', 15],
  ['worker CPU, % of its core', 25],
  ['worker µs/pkt', 15],
  ['total µs/pkt', 12],
  ['efficiency', 17],
  ['µs per piped pkt', 19],
  ['bench CPU', 9],
] as const;

export function mainTable(sizes: readonly SizeRows[]): string {
  const rows = sizes.flatMap((size) =>
    size.rows.map((m) => {
      const derived = size.derived.get(m.config);
      return [
        String(m.consumers),
        configLabel[m.config],
        m.forwardedPerS.toFixed(0),
        m.deliveredPerS.toFixed(0),
        pct(loss(m)),
        `${pct(lossIn(m))} / ${pct(lossOut(m))}`,
        m.workers.map((w) => (w.cpu * 100).toFixed(1)).join(' / '),
        m.workers.map((w) => num(usPerPacket(w.cpu, m), 2)).join(' / '),
        num(totalUsPerPacket(m), 2),
        spread(derived?.efficiency, 2),
        spread(derived?.pipeUs, 1),
        `${(m.benchCpu * 100).toFixed(0)} %`,
      ];
    }),
  );
  return table(MAIN_COLUMNS, rows);
}

export function modelLines(fit: OneWorkerModel, pipes: Map<string, PipeShares>, sentPerS: number) {
  const lines = [
    `One worker: ${num(fit.ingestUs, 1)} µs per packet taken in from the publishers (` +
      `${pct((fit.ingestUs * sentPerS) / CORE_US_PER_S)} of a core for ${sentPerS.toFixed(0)} pkt/s, measured with no consumer), ` +
      `then ${num(fit.forwardUs, 2)} µs per forwarded packet (median over the sizes).`,
  ];
  for (const [config, shares] of pipes) {
    const perPiped = (shares.sendUsPerS + shares.receiveUsPerS) / sentPerS;
    lines.push(
      `One more worker (${configLabel[config as keyof typeof configLabel]}, at the smallest size): ` +
        `${num(shares.sendUsPerS / sentPerS, 1)} µs per piped packet on the producers' worker, ` +
        `${num(shares.receiveUsPerS / sentPerS, 1)} on the other (${pct(
          (shares.sendUsPerS + shares.receiveUsPerS) / CORE_US_PER_S,
        )} of a core for these ${sentPerS.toFixed(0)} pkt/s): a piped packet costs ` +
        `${num(perPiped / fit.forwardUs, 1)} forwarded ones, so efficiency ≈ 1 / (1 + (k − 1) · ` +
        `${num(perPiped / fit.forwardUs, 1)} / fan-out).`,
    );
  }
  return lines;
}

export function projectionTable(
  projections: Map<string, Projection[]>,
  forwardedPerS: number,
): string {
  const columns = [
    ['workers k', 9],
    ['pipes', 8],
    [`efficiency at ${forwardedPerS.toFixed(0)} pkt/s`, 26],
    ['capacity vs 1, balanced', 23],
    ['efficiency at full cores', 24],
    ['capacity vs 1, one origin', 25],
  ] as const;
  const rows: string[][] = [];
  for (const [config, list] of projections) {
    for (const p of list) {
      rows.push([
        String(p.workers),
        configLabel[config as keyof typeof configLabel],
        num(p.efficiency, 3),
        `${num(p.balanced, 2)}× of ${p.workers}×`,
        num(p.balanced / p.workers, 3),
        `${num(p.oneOrigin, 2)}×`,
      ]);
    }
  }
  return table(columns, rows);
}
