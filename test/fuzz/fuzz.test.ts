// The short form of `npm run fuzz`, part of `npm test`: a deployment (a
// signaling node, an SFU node, PostgreSQL) takes every socket request, every
// REST operation and every SFU method valid-shaped and mutated, then a few
// hundred random hostile messages more per target, and the corpus of past
// crashers, while a real meeting goes on. The seed is printed; FUZZ_SEED
// repeats a run (as `npm run fuzz -- --seed`).
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { loadCorpus, mib, runFuzz, type FuzzReport } from './engine.js';
import { freshSeed } from '../harness/random.js';
import { formatReport } from './report.js';
import type { TargetName } from './targets/common.js';

/** Messages per target in the short form (the sweep included). */
const MESSAGES = 1000;

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: fuzzing needs the server build: ${buildProblem}`);

describe.skipIf(buildProblem !== undefined)('fuzzing, short form', () => {
  const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : freshSeed();
  let report: FuzzReport | undefined;
  beforeAll(async () => {
    console.log(
      `fuzz seed ${seed} (repeat with FUZZ_SEED=${seed} or npm run fuzz -- --seed ${seed})`,
    );
    report = await runFuzz({ messages: MESSAGES, seed, targets: ['socket', 'rest', 'sfu'] });
    console.log(formatReport(report));
  });
  const run = (): FuzzReport => {
    if (!report) throw new Error('the fuzzing run did not complete');
    return report;
  };
  const problems = (target: TargetName) =>
    run()
      .findings.filter((f) => f.target === target)
      .map((f) => `${f.what} as ${f.as}: ${f.problem.slice(0, 300)} (seed ${seed})`);

  it('every socket request, sent valid-shaped and mutated by hosts, participants and connections that never joined, is answered ok or with a known error, never INTERNAL', () => {
    const socket = run().tallies.find((t) => t.target === 'socket')!;
    expect(run().uncovered['socket']).toEqual([]);
    expect(socket.messages).toBeGreaterThanOrEqual(MESSAGES);
    expect(problems('socket')).toEqual([]);
    // Unknown events, floods, malformed frames and forged credentials were among them.
    for (const kind of ['unknown event', 'flood', 'frames', 'handshake'])
      expect(socket.kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
  });

  it('every REST operation, called anonymously, as staff and as an admin with mutated parameters and bodies, answers 2xx or a 4xx error body with a known code, never 5xx', () => {
    expect(run().uncovered['rest']).toEqual([]);
    expect(problems('rest')).toEqual([]);
  });

  it('the SFU node answers every call of a caller holding its secret with data or a known error, and lets in no caller without it', () => {
    const sfu = run().tallies.find((t) => t.target === 'sfu')!;
    expect(run().uncovered['sfu']).toEqual([]);
    expect(problems('sfu')).toEqual([]);
    expect(sfu.codes.get('refused UNAUTHENTICATED') ?? 0).toBeGreaterThan(0);
    expect(sfu.codes.get('accepted') ?? 0).toBe(0);
  });

  it('every crasher kept in the corpus is answered well-formed now', () => {
    const kept = loadCorpus();
    expect(run().corpus.map((c) => c.file)).toEqual(kept.map((k) => k.file));
    for (const { file, verdicts } of run().corpus)
      expect(verdicts.filter((v) => v.finding).map((v) => `${file}: ${v.finding}`)).toEqual([]);
  });

  it('neither server process exited or logged an error', () => {
    expect(run().processes.map((p) => `${p.server} ${p.kind}: ${p.detail}`)).toEqual([]);
  });

  it('the meeting received media from both sides at every checkpoint throughout', () => {
    const { meeting } = run();
    expect(meeting.failed).toBe(0);
    expect(meeting.passed).toBeGreaterThan(0);
    meeting.end.forEach((n, i) => expect(n).toBeGreaterThan(meeting.start[i]!));
  });

  it('both servers’ heaps after GC stay within the bound of where they started, and no built-in prototype was polluted', () => {
    for (const m of run().memory)
      expect(m.end, `${m.server}: ${mib(m.start)} → ${mib(m.end)}`).toBeLessThanOrEqual(m.bound);
    expect(run().polluted).toEqual([]);
  });

  it('afterwards a newcomer joins, chat is delivered and kept, and a host’s action is audited with the chain intact', () => {
    const { after } = run();
    expect(after.problems).toEqual([]);
    expect(after).toMatchObject({ join: true, chat: true, audit: true });
    expect(after.auditChain).toMatch(/^intact/);
  });
});
