// A load window as the tables print it.
import type { LoadWindow, Percentiles } from './measure.js';

export const pct = (share: number, digits = 1) => `${(share * 100).toFixed(digits)} %`;
export const ms = (p: Percentiles) =>
  p.count === 0 ? '-' : `${p.p50.toFixed(0)} / ${p.p95.toFixed(0)} / ${p.p99.toFixed(0)}`;

/** Share of one core, e.g. "87 %" (a process may use more than one core). */
export const cores = (share: number | undefined) =>
  share === undefined ? '-' : `${(share * 100).toFixed(0)} %`;

/** Two columns, aligned. */
export function keyValueTable(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** Columns padded to their widest cell; the first row is the header. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export function windowRows(w: LoadWindow): [string, string][] {
  const rows: [string, string][] = [
    ['bots (publishers)', `${w.bots} (${w.publishers})${w.failed ? `, ${w.failed} FAILED` : ''}`],
    ['consumers (bots: open / flowing)', `${w.consumers} / ${w.flowing}`],
    ['camera layers shown (0 / 1 / 2)', w.layers.join(' / ')],
    [
      'received by bots',
      `${w.receivedMbps.toFixed(1)} Mbit/s, ${Math.round(w.receivedPps)} packets/s`,
    ],
    ['sent by publishers', `${w.sentMbps.toFixed(1)} Mbit/s`],
    ['loss audio / video (bots)', `${pct(w.audioLoss, 2)} / ${pct(w.videoLoss, 2)}`],
    ['jitter (mean of streams)', `${w.jitterMs.toFixed(1)} ms`],
    ['join reply p50/p95/p99', `${ms(w.join)} ms`],
    ['first remote media p50/p95/p99', `${ms(w.firstMedia)} ms`],
    ['key frames asked of publishers', String(w.keyframeRequests)],
    ['SRTP tags checked / failed', `${w.verified} / ${w.forged}`],
    ['requests refused', String(w.refused)],
    ['media rebuilt (mediaReset) / connections lost', `${w.rebuilds} / ${w.disconnected}`],
    ['bot processes CPU', cores(w.botsCpu)],
    [
      'UDP drops at full sockets: bots / server',
      `${w.udpDrops.bots ?? '-'} / ${w.udpDrops.server ?? '-'}`,
    ],
  ];
  for (const s of w.servers) {
    const parts = [`process ${cores(s.processCpu)}`];
    if (s.workerCpu !== undefined)
      parts.push(`${s.workers ?? '?'} worker(s) ${cores(s.workerCpu)}`);
    if (s.consumers !== undefined) parts.push(`${s.producers} producers, ${s.consumers} consumers`);
    if (s.bitrateOut !== undefined) {
      parts.push(
        `in ${((s.bitrateIn ?? 0) / 1e6).toFixed(1)} / out ${(s.bitrateOut / 1e6).toFixed(1)} Mbit/s`,
      );
    }
    rows.push([`server ${s.name} CPU`, parts.join(', ')]);
  }
  return rows;
}
