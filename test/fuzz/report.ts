// The run's report as text: a table per target (messages by kind, replies by
// code, findings), then memory, the meeting, the checks afterwards and every
// finding with the exact input that reproduces it.
import { mib, type FuzzReport } from './engine.js';
import { preview } from './wire.js';

function table(rows: [string, string | number][]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length), 4);
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(7)}`);
}

export function formatReport(report: FuzzReport): string {
  const lines: string[] = [];
  lines.push(
    `Fuzzing run, seed ${report.seed} (reproduce with --seed ${report.seed}), ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  for (const tally of report.tallies) {
    const missing = report.uncovered[tally.target] ?? [];
    lines.push(
      '',
      `${tally.target}: ${tally.messages} messages, ${tally.covered.size} kinds of message sent${missing.length ? ` (${missing.length} never sent)` : ''}, ${tally.findings.length} finding(s)`,
    );
    lines.push('  by kind');
    lines.push(...table([...tally.kinds].sort((a, b) => b[1] - a[1])));
    lines.push('  replies by code');
    lines.push(...table([...tally.codes].sort((a, b) => b[1] - a[1])));
  }
  if (report.corpus.length > 0) {
    const cases = report.corpus.reduce((n, c) => n + c.verdicts.length, 0);
    const bad = report.corpus.reduce((n, c) => n + c.verdicts.filter((v) => v.finding).length, 0);
    lines.push(
      '',
      `corpus: ${report.corpus.length} file(s), ${cases} case(s) replayed, ${bad} failing`,
    );
  }
  lines.push('', 'memory (heap in use after GC: warmed up → end, bound)');
  for (const m of report.memory)
    lines.push(
      `  ${m.server.padEnd(9)}  ${mib(m.start)} → ${mib(m.end)}  (bound ${mib(m.bound)})  ${m.ok ? 'ok' : 'GREW'}`,
    );
  if (report.polluted.length > 0)
    lines.push(`  prototypes polluted: ${report.polluted.join(', ')}`);
  const { meeting } = report;
  lines.push(
    '',
    `meeting: media received at ${meeting.passed} checkpoint(s), none at ${meeting.failed}${meeting.unobserved ? `, ${meeting.unobserved} not observable (the meeting process itself stalled)` : ''}; packets received by each peer ${meeting.start.join('/')} → ${meeting.end.join('/')}`,
  );
  const a = report.after;
  lines.push(
    `afterwards: join ${a.join ? 'ok' : 'FAILED'}, chat ${a.chat ? 'ok' : 'FAILED'}, audit ${a.audit ? 'ok' : 'FAILED'}, audit chain ${a.auditChain}`,
  );
  for (const note of report.notes) lines.push(`note (not a failure): ${note}`);
  lines.push('', `findings: ${report.findings.length}`);
  for (const f of report.findings) {
    lines.push(
      `- [${f.target}] ${f.what} as ${f.as}${f.mutations.length ? ` (${f.mutations.join(', ')})` : ''}: ${preview(f.problem, 300)}`,
    );
    if (f.input) lines.push(`    input: ${preview(JSON.stringify(f.input), 600)}`);
  }
  return lines.join('\n');
}
