// The soak's printed result: what the churn did, the errors it met by code,
// what each worker and Redis still held at the end, and each process's
// memory (baseline after the warm-up, peak during the churn, end).
import { GRACE_SECONDS, LEASE_SECONDS } from './deployment.js';
import { mb, memoryProblem } from './memory.js';
import type { SoakResult } from './run.js';

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;

export function formatReport(result: SoakResult): string {
  const { options: o, counts: c, leftovers, memory } = result;
  const out: string[] = [];
  out.push(
    `Soak: ${o.minutes} min of churn, seed ${o.seed}; ${o.rooms} rooms, ≤ ${o.clients} participants ` +
      `(≤ ${o.media} WebRTC peers), ${o.lanes} lanes; ${o.signalingNodes} signaling node(s), ` +
      `${o.sfuNodes} SFU node(s) × ${o.workers} worker(s); grace ${GRACE_SECONDS} s, lease ${LEASE_SECONDS} s`,
  );
  out.push('');
  out.push(
    ...table(
      ['minutes', 'joins', 'WebRTC', 'leaves', 'closes', 'drops', 'back', 'gone', 'rooms ended'],
      [
        [
          String(o.minutes),
          String(c.joins),
          String(c.mediaJoins),
          String(c.leaves),
          String(c.pageCloses),
          String(c.drops),
          String(c.returns),
          String(c.abandoned),
          String(c.roomsEnded),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['produces', 'producer closes', 'producer pause/resume', 'consumer pause/resume', 'chats'],
      [
        [
          String(c.produces),
          String(c.producerCloses),
          `${c.producerPauses}/${c.producerResumes}`,
          `${c.consumerPauses}/${c.consumerResumes}`,
          String(c.chats),
        ],
      ],
    ),
  );
  out.push('');
  const errors = [...c.errors.entries()].sort((a, b) => b[1] - a[1]);
  out.push(
    errors.length === 0
      ? 'errors: none'
      : `errors by code: ${errors.map(([code, n]) => `${code} ${n}`).join(', ')}`,
  );
  for (const [code, samples] of c.errorSamples) {
    for (const sample of samples) out.push(`  ${code}: ${sample.slice(0, 200)}`);
  }
  out.push('');
  out.push(
    `left behind per worker (the worker's own dump; getLoad in brackets; the most held at once ` +
      `during the churn first), nothing left after ${seconds(result.settledMs)}:`,
  );
  out.push(
    ...table(
      [
        'worker',
        'peak r/t/p/c',
        'routers',
        'transports',
        'producers',
        'consumers',
        'other handles',
      ],
      leftovers.workers.map((w) => {
        const l = w.load;
        const p = result.held.workers.get(w.worker);
        return [
          w.worker,
          p ? `${p.routers}/${p.transports}/${p.producers}/${p.consumers}` : '-',
          `${w.routers} [${l?.rooms ?? '-'}]`,
          `${w.transports} [${l?.transports ?? '-'}]`,
          `${w.producers} [${l?.producers ?? '-'}]`,
          `${w.consumers} [${l?.consumers ?? '-'}]`,
          String(w.other),
        ];
      }),
    ),
  );
  out.push('');
  const expiring = leftovers.redis.expiring;
  const longest = Math.max(0, ...expiring.map((e) => e.ttlMs));
  out.push(
    `Redis: rooms with state at once, at most: ${result.held.roomKeys}; ` +
      `keys of ended rooms left: ${leftovers.redis.leftover.length}` +
      (leftovers.redis.leftover.length > 0 ? ` (${leftovers.redis.leftover.join(', ')})` : '') +
      `; home records expiring by design: ${expiring.length}` +
      (expiring.length > 0 ? ` (≤ ${seconds(longest)} to live)` : '') +
      (result.expiredMs !== undefined ? `, all expired after ${seconds(result.expiredMs)}` : ''),
  );
  out.push('');
  out.push('memory (Node processes: heap in use after GC; RSS from /proc):');
  out.push(
    ...table(
      ['process', 'baseline RSS', 'baseline heap', 'peak RSS', 'end RSS', 'end heap', 'bound'],
      memory.map((row) => [
        row.process,
        mb(row.baseline.rss),
        row.baseline.heapUsed === undefined ? '-' : mb(row.baseline.heapUsed),
        mb(row.peakRss),
        row.end ? mb(row.end.rss) : '-',
        row.end?.heapUsed === undefined ? '-' : mb(row.end.heapUsed),
        memoryProblem(row) ? 'OVER' : 'ok',
      ]),
    ),
  );
  out.push('');
  if (result.failures.length === 0) out.push('result: nothing left behind, memory within bounds');
  else {
    out.push(`result: FAILED (${result.failures.length})`);
    for (const failure of result.failures) out.push(`  ${failure}`);
  }
  return out.join('\n');
}
