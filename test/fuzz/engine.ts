// One fuzzing run: starts the deployment and a real meeting on it, replays
// the corpus of past crashers, sends `messages` generated messages to each
// target while the meeting goes on, then checks everything the oracles
// promise — no crash or error log, every reply well-formed, the meeting
// received media at every checkpoint, memory flat, no prototype polluted,
// and joining, chat and audit still working — and reports it all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAfterwards, type AfterChecks } from './after.js';
import type { CorpusEntry, FuzzCase, SfuCase, SocketCase } from './cases.js';
import { startFuzzDeployment, type ProcessProblem, type ServerName } from './deployment.js';
import { startMeeting, type Meeting } from './meeting.js';
import type { Verdict } from './oracles.js';
import { createRandom } from '../harness/random.js';
import type { Finding, Tally, TargetName } from './targets/common.js';
import { createRestTarget } from './targets/rest.js';
import { createSfuTarget } from './targets/sfu.js';
import { createSocketTarget } from './targets/socket.js';

export const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));

/** The kept crashers: every test/fuzz/corpus/*.json. */
export function loadCorpus(dir = corpusDir): { file: string; entry: CorpusEntry }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      entry: JSON.parse(readFileSync(join(dir, file), 'utf8')) as CorpusEntry,
    }));
}

export interface FuzzOptions {
  /** Generated messages per target. */
  messages: number;
  seed: number;
  targets: readonly TargetName[];
  /** Replay the corpus (on by default). */
  corpus?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface MemoryResult {
  server: ServerName;
  /** Heap in use after GC once warmed up, and at the end, in bytes. */
  start: number;
  end: number;
  bound: number;
  ok: boolean;
}

export interface FuzzReport {
  seed: number;
  durationMs: number;
  tallies: Tally[];
  corpus: { file: string; verdicts: Verdict[] }[];
  memory: MemoryResult[];
  polluted: string[];
  meeting: { passed: number; failed: number; unobserved: number; start: number[]; end: number[] };
  after: AfterChecks;
  processes: ProcessProblem[];
  /** Stray output that is not a failure (warnings a library prints). */
  notes: string[];
  /** Per target: the events, methods or routes that were never sent (expected: none). */
  uncovered: Record<string, string[]>;
  /** Everything that broke an oracle (messages, and the run-wide checks). */
  findings: Finding[];
}

/**
 * How much a server's heap may grow over the run: 24 MiB plus a quarter of
 * where it started. A leak per message grows with the messages (the full
 * form sends many); one-off growth (caches, JIT, bounded reply caches, the
 * rooms and users the fuzzing created in the database's pool) stays under it
 * on a busy machine.
 */
export const heapBound = (start: number): number => start + 24 * 1024 * 1024 + start / 4;

/**
 * Output known to be harmless, shown as notes rather than findings:
 * socket.io's warning that a single node's adapter has no other nodes to
 * tell (every mute of a participant says it), and the media worker's own
 * report of a request for an object it closed a moment before (a close
 * racing another request, which the SFU then answers as not found).
 */
const HARMLESS = [
  /this adapter does not support the serverSideEmit\(\) functionality/,
  /Worker::HandleRequest\(\) \| throwing MediaSoupError: Channel request handler with ID \S+ not found/,
];

const runFinding = (problem: string, what: string): Finding => ({
  target: 'run',
  as: 'run',
  what,
  mutations: [],
  problem,
});

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const random = createRandom(options.seed);
  const label = options.seed.toString(16);
  log(`seed ${options.seed}: starting PostgreSQL, an SFU node and a signaling node`);
  const deployment = await startFuzzDeployment();
  const findings: Finding[] = [];
  let meeting: Meeting | undefined;
  try {
    const on = await startMeeting(deployment.signalingUrl, `fz-meeting-${label}`);
    meeting = on;
    const startCounts = await on.counts();
    log(`meeting ${on.room}: two peers exchange audio and video`);
    const protect = new Set([on.room, deployment.sfuNodeId, ...on.ids]);
    const targets = {
      socket: createSocketTarget({
        url: deployment.signalingUrl,
        random: random.fork('socket'),
        meetingIds: () => on.ids,
        staffToken: () => deployment.token('staff'),
        label,
      }),
      rest: createRestTarget({
        url: deployment.signalingUrl,
        random: random.fork('rest'),
        token: (role) => deployment.token(role),
        protect,
      }),
      sfu: createSfuTarget({
        url: deployment.sfuUrl,
        secret: deployment.sfuSecret,
        random: random.fork('sfu'),
        protect,
      }),
    };
    const chosen = options.targets.map((name) => targets[name]);
    const servers: ServerName[] = options.targets.includes('sfu')
      ? ['signaling', 'sfu']
      : ['signaling'];

    // The sweep (every message kind once, valid-shaped and mutated) also
    // warms the servers up (lazy caches, JIT, pools) before the first memory reading.
    await Promise.all(chosen.map((t) => t.sweep()));
    const baseline = new Map<ServerName, number>();
    for (const server of servers) baseline.set(server, (await deployment.heap(server)).heapUsed);
    log(
      `swept ${chosen.map((t) => `${t.tally.messages} ${t.tally.target}`).join(', ')} messages; heap ${[...baseline].map(([s, h]) => `${s} ${mib(h)}`).join(', ')}`,
    );

    const corpus: FuzzReport['corpus'] = [];
    if (options.corpus !== false) {
      for (const { file, entry } of loadCorpus()) {
        const verdicts: Verdict[] = [];
        if (entry.session) verdicts.push(...(await replaySession(targets, entry.cases.flat())));
        else
          for (const step of entry.cases)
            verdicts.push(
              ...(await Promise.all(
                (Array.isArray(step) ? step : [step]).map((c) => replay(targets, c)),
              )),
            );
        corpus.push({ file, verdicts });
      }
      log(`replayed ${corpus.length} corpus file(s)`);
    }

    let fuzzing = true;
    const stalls: string[] = [];
    const fuzzStart = Date.now();
    const checkpoints = (async () => {
      while (fuzzing) {
        if (!(await on.checkpoint())) {
          // What the SFU node says of the meeting then: for the finding.
          const consumers = on.ids.filter((id) => /^[0-9a-f-]{36}$/.test(id));
          const seen = await targets.sfu.inspect(on.room, consumers).catch((e: Error) => e.message);
          stalls.push(
            `${((Date.now() - fuzzStart) / 1000).toFixed(0)} s into the fuzzing: ${JSON.stringify(seen).slice(0, 1500)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    await Promise.all(chosen.map((t) => t.run(Math.max(0, options.messages - t.tally.messages))));
    fuzzing = false;
    await checkpoints;
    log(`sent ${chosen.map((t) => `${t.tally.messages} ${t.tally.target}`).join(', ')}`);

    if (options.targets.includes('sfu')) await targets.sfu.cleanup();
    targets.rest.close();
    // The fuzz connections' places and rooms are gone (grace period 1 s) before the last reading.
    await settled(deployment.signalingUrl, 2);
    const memory: MemoryResult[] = [];
    const polluted: string[] = [];
    for (const server of servers) {
      const reading = await deployment.heap(server);
      const start = baseline.get(server)!;
      memory.push({
        server,
        start,
        end: reading.heapUsed,
        bound: heapBound(start),
        ok: reading.heapUsed <= heapBound(start),
      });
      polluted.push(...reading.polluted.map((p) => `${server}: ${p}`));
    }
    const expected: Record<TargetName, () => string[]> = {
      socket: targets.socket.expected,
      rest: targets.rest.operations,
      sfu: targets.sfu.expected,
    };
    const uncovered: Record<string, string[]> = {};
    for (const name of options.targets) {
      const covered = targets[name].tally.covered;
      uncovered[name] = expected[name]().filter((what) => !covered.has(what));
    }
    const finalCheckpoint = await on.checkpoint();
    const endCounts = await on.counts();
    const after = await checkAfterwards(
      deployment.signalingUrl,
      deployment.databaseUrl,
      `fz-after-${label}`,
    );
    const problems = await deployment.problems();
    const notes = problems.filter(
      (p) => p.kind !== 'exited' && HARMLESS.some((re) => re.test(p.detail)),
    );
    const processes = problems.filter((p) => !notes.includes(p));

    for (const t of chosen) findings.push(...t.tally.findings);
    for (const { file, verdicts } of corpus)
      for (const v of verdicts)
        if (v.finding) findings.push(runFinding(v.finding, `corpus ${file}`));
    if (on.checkpoints.failed > 0 || !finalCheckpoint)
      findings.push(
        runFinding(
          `the meeting received no media at ${on.checkpoints.failed} checkpoint(s); ${stalls.join('; ')}`,
          'meeting',
        ),
      );
    for (const m of memory.filter((m) => !m.ok))
      findings.push(
        runFinding(
          `${m.server} heap grew from ${mib(m.start)} to ${mib(m.end)} (bound ${mib(m.bound)})`,
          'memory',
        ),
      );
    for (const p of polluted) findings.push(runFinding(`prototype polluted: ${p}`, 'memory'));
    for (const p of after.problems) findings.push(runFinding(p, 'afterwards'));
    for (const p of processes)
      findings.push(runFinding(`${p.server} ${p.kind}: ${p.detail}`, 'process'));
    for (const [name, missing] of Object.entries(uncovered))
      if (missing.length > 0)
        findings.push(runFinding(`never sent: ${missing.join(', ')}`, `${name} coverage`));

    return {
      seed: options.seed,
      durationMs: Date.now() - started,
      tallies: chosen.map((t) => t.tally),
      corpus,
      memory,
      polluted,
      meeting: { ...on.checkpoints, start: startCounts, end: endCounts },
      after,
      processes,
      notes: [...new Set(notes.map((n) => `${n.server}: ${n.detail}`))],
      uncovered,
      findings,
    };
  } finally {
    await meeting?.close();
    await deployment.stop();
  }
}

type Targets = {
  socket: ReturnType<typeof createSocketTarget>;
  rest: ReturnType<typeof createRestTarget>;
  sfu: ReturnType<typeof createSfuTarget>;
};

function replay(targets: Targets, input: FuzzCase): Promise<Verdict> {
  switch (input.target) {
    case 'socket':
      return targets.socket.replay(input);
    case 'rest':
      return targets.rest.replay(input);
    case 'sfu':
      return targets.sfu.replay(input);
  }
}

/** A session's cases all go to the target of its first case. */
function replaySession(targets: Targets, cases: FuzzCase[]): Promise<Verdict[]> {
  const target = cases[0]?.target;
  if (cases.some((c) => c.target !== target))
    return Promise.resolve([{ code: 'unusable', finding: 'a session is for one target' }]);
  if (target === 'socket') return targets.socket.replaySession(cases as SocketCase[]);
  if (target === 'sfu') return targets.sfu.replaySession(cases as SfuCase[]);
  return Promise.all(cases.map((c) => replay(targets, c)));
}

/** Waits until the signaling node holds only the meeting (`peers` participants, one room). */
async function settled(url: string, peers: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      rooms?: number;
      peers?: number;
    };
    if (health.rooms === 1 && health.peers === peers) return;
    if (Date.now() > deadline)
      throw new Error(`the fuzz rooms did not go away: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
