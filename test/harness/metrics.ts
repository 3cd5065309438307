// Reading a node's /metrics as Prometheus would: the text format parsed by a
// Prometheus text-format parser, and the metric names the shipped Grafana
// dashboard and alert rules query, so tests can check each one is served;
// and the meeting whose figures those tests check.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import type { NodePeer } from './nodePeer.js';
import { waitFor } from './sfu.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Scrape {
  readonly families: ReadonlyMap<string, PrometheusFamily>;
  /** Sum of the samples of a counter or gauge whose labels include `labels` (0: none). */
  value(name: string, labels?: Record<string, string>): number;
  /** How many observations a histogram holds, over series whose labels include `labels`. */
  count(name: string, labels?: Record<string, string>): number;
  /** The sum of a histogram's observations, over series whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const matches = (sample: { labels?: Record<string, string> }, labels: Record<string, string>) =>
  Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v);

/**
 * The `<name>_count` / `<name>_sum` series of a histogram with labels. The
 * parser folds a histogram's series into one sample and keeps only unlabelled
 * ones, so these lines (whose syntax it has already accepted) are read here.
 */
function histogramSeries(
  text: string,
  series: string,
): { labels: Record<string, string>; value: number }[] {
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([\w:]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    if (!m || m[1] !== series) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    found.push({ labels, value: Number(m[3]) });
  }
  return found;
}

/** GET `url`/metrics (with the bearer token, if given): the status and, on 200, the parsed families. */
export async function scrape(
  url: string,
  token?: string,
): Promise<{ status: number; contentType: string | null; scrape?: Scrape }> {
  const res = await fetch(`${url}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  if (res.status !== 200)
    return { status: res.status, contentType: res.headers.get('content-type') };
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const samples = (name: string, labels: Record<string, string>) =>
    (families.get(name)?.metrics ?? []).filter((s) => matches(s, labels));
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    scrape: {
      families,
      value: (name, labels = {}) =>
        samples(name, labels).reduce((sum, s) => sum + Number(s.value ?? 0), 0),
      count: (name, labels = {}) =>
        histogramSeries(text, `${name}_count`)
          .filter((s) => matches(s, labels))
          .reduce((sum, s) => sum + s.value, 0),
      sum: (name, labels = {}) =>
        histogramSeries(text, `${name}_sum`)
          .filter((s) => matches(s, labels))
          .reduce((sum, s) => sum + s.value, 0),
    },
  };
}

/** Words of PromQL that are not metric names. */
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: what is left once strings,
 * label matchers, ranges, grouping clauses, function names and keywords are
 * taken out.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)(?!\s*\(|\w)/g)) {
    const name = match[1] as string;
    if (!PROMQL_WORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** `expr:` values of a rules file (single-line, or folded `>-` blocks). */
function alertExpressions(text: string): string[] {
  const lines = text.split('\n');
  const exprs: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!m) return;
    const indent = (m[1] as string).length;
    const rest = (m[2] as string).trim();
    if (rest !== '>-' && rest !== '>' && rest !== '|') {
      exprs.push(rest);
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== '' && next.search(/\S/) <= indent) break;
      block.push(next.trim());
    }
    exprs.push(block.join(' '));
  });
  return exprs;
}

function dashboardExpressions(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(dashboardExpressions);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'expr' && typeof v === 'string' ? [v] : dashboardExpressions(v),
  );
}

/** Every metric name the shipped dashboards and alert rules query, with the file it is in. */
export function metricNamesInInfra(): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  const grafana = join(root, 'infra/grafana');
  for (const file of readdirSync(grafana).filter((f) => f.endsWith('.json'))) {
    const dashboard: unknown = JSON.parse(readFileSync(join(grafana, file), 'utf8'));
    for (const expr of dashboardExpressions(dashboard))
      for (const name of metricNamesIn(expr)) found.push({ name, file: `infra/grafana/${file}` });
  }
  const alerts = readFileSync(join(root, 'infra/prometheus/alerts.yml'), 'utf8');
  for (const expr of alertExpressions(alerts))
    for (const name of metricNamesIn(expr))
      found.push({ name, file: 'infra/prometheus/alerts.yml' });
  return found;
}

/**
 * The family a sample name belongs to: a histogram's `_bucket`, `_sum` and
 * `_count` series are its own family's.
 */
export function familyOf(name: string, families: ReadonlyMap<string, PrometheusFamily>): string {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return families.get(base)?.type === 'HISTOGRAM' ? base : name;
}

/**
 * Two peers (`start` joins one) who each send audio and video, resolved once
 * each receives both of the other's streams: the meeting the metrics show.
 */
export async function startSendingPair(
  start: (displayName: string) => Promise<NodePeer>,
): Promise<[NodePeer, NodePeer]> {
  const alice = await start('Alice');
  await alice.startSending();
  const bob = await start('Bob');
  await bob.startSending();
  const flowing = (to: NodePeer, from: NodePeer) =>
    [...to.received.values()].filter((s) => s.peerId === from.peerId && s.packets >= 20).length ===
    2;
  await waitFor(() => flowing(alice, bob) && flowing(bob, alice), 'media flows both ways', 30_000);
  return [alice, bob];
}
