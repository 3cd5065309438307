// What the three targets share: the cases they send (as the corpus stores
// them), the findings, the per-target tally the table is printed from, and
// the loopback addresses fuzz connections come from (one each, so the
// server's per-address limits meter each connection on its own, as they
// would meter separate clients).
import type { FuzzCase } from '../cases.js';
import type { Verdict } from '../oracles.js';

export type TargetName = 'socket' | 'rest' | 'sfu';

/** A message that broke an oracle, with what reproduces it. */
export interface Finding {
  /** `run`: a run-wide check (meeting, memory, processes, afterwards). */
  target: TargetName | 'run';
  /** Which caller sent it (anonymous, participant, host, staff, admin, secret…). */
  as: string;
  /** The event, method or route. */
  what: string;
  mutations: string[];
  problem: string;
  /** The exact input, ready for test/fuzz/corpus/ (none for run-wide checks). */
  input?: FuzzCase;
}

export class Tally {
  messages = 0;
  readonly codes = new Map<string, number>();
  readonly kinds = new Map<string, number>();
  /** The events, methods and routes sent at least once. */
  readonly covered = new Set<string>();
  readonly findings: Finding[] = [];

  constructor(readonly target: TargetName) {}

  count(kind: string, code: string, what?: string): void {
    this.messages += 1;
    if (what !== undefined) this.covered.add(what);
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  /**
   * Counts one message's verdict under `kind` (and `covered`, the event,
   * method or route it was) and reports it when it is a finding.
   */
  judge(
    kind: string,
    verdict: Verdict,
    message: Omit<Finding, 'target' | 'problem'>,
    covered?: string,
  ): void {
    this.count(kind, verdict.code, covered);
    if (verdict.finding) this.find({ ...message, problem: verdict.finding });
  }

  find(finding: Omit<Finding, 'target'>): void {
    // The same problem of the same message kind is reported once, counted in the tally.
    const same = this.findings.find(
      (f) => f.what === finding.what && f.problem === finding.problem,
    );
    if (!same) this.findings.push({ target: this.target, ...finding });
  }
}

let nextAddress = 0;

/** A loopback address no other fuzz connection of this run used (127.1.0.1, 127.1.0.2, …). */
export function freshLoopbackAddress(): string {
  nextAddress += 1;
  const n = nextAddress;
  return `127.${1 + (Math.floor(n / 62_500) % 250)}.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time. */
export async function inPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Base64 of attachments, for cases kept as JSON. */
export const toBase64 = (buffers: Buffer[]): string[] => buffers.map((b) => b.toString('base64'));
export const fromBase64 = (list: readonly string[] = []): Buffer[] =>
  list.map((s) => Buffer.from(s, 'base64'));

/**
 * A dropped connection counts only if the same message drops a fresh one
 * too (`again`): on a busy machine a late heartbeat drops connections as well.
 */
export async function confirmClosed(
  verdict: Verdict,
  kind: string,
  again: () => Promise<Verdict>,
): Promise<Verdict> {
  if (verdict.code !== 'closed' || kind === 'confirm') return verdict;
  return (await again()).finding ? verdict : { code: 'closed (not reproduced)' };
}
