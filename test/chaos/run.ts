// One chaos run: start the deployment and the meetings, then for each fault
// and round — wait until everything is healthy (every SFU node serving in
// every signaling node's view, every bot receiving every stream), write one
// of everything and have it acknowledged, keep writing while the fault is
// injected, measure how long until every bot receives every stream again,
// mend what the fault broke, and read back everything ever acknowledged.
// `npm run chaos` prints the results; the chaos tier runs a short one.
import { startMeetings, type Meeting, type MeetingPlan } from './bots.js';
import { LEASE_SECONDS, startChaosDeployment, type ChaosDeployment } from './deployment.js';
import { createFault, type FaultName } from './faults.js';
import { createLedger, type Ledger } from './ledger.js';
import { watchMedia, type MediaWatch } from './media.js';

/** Every bot must receive every stream again within this, or the round did not recover. */
export const RECOVERY_BOUND_MS = 60_000;
/**
 * Watch at least this long after a fault (and after it is mended): an SFU
 * peer nobody adopted is reaped when its lease runs out, which is when a
 * lost owner would show.
 */
const OBSERVE_MS = (LEASE_SECONDS + 2) * 1000;
const HEALTHY_MS = 60_000;

export interface ChaosOptions {
  rounds: number;
  faults: readonly FaultName[];
  plan: MeetingPlan;
  /** How long netem / loss impair the link, ms. */
  impairMs: number;
  /** Make a test host (network namespace) for the link faults; default true. */
  testHost?: boolean;
  log(line: string): void;
  /** Told how to stop everything at once (an interrupted run). */
  onStarted?(stop: () => Promise<unknown>): void;
}

export interface RoundResult {
  fault: FaultName;
  round: number;
  what: string;
  recovered: boolean;
  recoveryMs: number;
  /** The longest silence of any expected stream after the fault, ms. */
  longestGapMs: number;
  /** Acknowledged writes while the fault was on. */
  ackedDuring: number;
  /** Items read back after the round (everything acknowledged so far). */
  checked: number;
  lost: string[];
  chainOk: boolean;
  chain: string;
  /** The whole round, health checks and read-back included, ms. */
  tookMs: number;
  note?: string;
}

export type FaultResult =
  { fault: FaultName; skipped: string } | { fault: FaultName; rounds: RoundResult[] };

export interface ChaosResult {
  results: FaultResult[];
  /** The SFU nodes' logs, kept when something failed. */
  logs: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function healthy(deployment: ChaosDeployment, watch: MediaWatch): Promise<void> {
  const deadline = Date.now() + HEALTHY_MS;
  while (!(await deployment.allServing()) || !deployment.signaling.every((s) => s.running())) {
    if (Date.now() > deadline) throw new Error('the deployment did not come back in 60 s');
    await sleep(250);
  }
  const now = performance.now();
  const steady = await watch.recovery(now - 1, () => now, now + HEALTHY_MS);
  if (!steady.recovered) throw new Error(`media not flowing: ${steady.stuck.join(', ')}`);
}

interface RoundContext {
  readonly deployment: ChaosDeployment;
  /** Replaced by fresh ones after a round that left them broken. */
  meetings: readonly Meeting[];
  watch: MediaWatch;
  ledger: Ledger;
  impairMs: number;
}

const emptyRound = (fault: FaultName, round: number): RoundResult => ({
  fault,
  round,
  what: '',
  recovered: false,
  recoveryMs: Number.NaN,
  longestGapMs: Number.NaN,
  ackedDuring: 0,
  checked: 0,
  lost: [],
  chainOk: false,
  chain: 'unchecked',
  tookMs: 0,
});

async function runRound(ctx: RoundContext, name: FaultName, round: number): Promise<RoundResult> {
  const { deployment, meetings, watch, ledger } = ctx;
  const result = emptyRound(name, round);
  const started = performance.now();
  const notes: string[] = [];
  await healthy(deployment, watch);
  await ledger.writeAll(meetings, `${name} ${round} before`);
  const writer = ledger.startWriting(meetings, `${name} ${round} during`);
  const fault = createFault(name, { deployment, meetings, impairMs: ctx.impairMs });
  const at = performance.now();
  let mendedAt = at;
  let mendLater: (() => Promise<void>) | undefined;
  try {
    const injected = await fault.inject(round);
    result.what = injected.what;
    if (injected.mendAfter === 'recovery') {
      mendLater = injected.mend;
    } else {
      await sleep(injected.mendAfter);
      const silent = watch.silent();
      // An impaired link may slow media; it must not stop it.
      if (name === 'netem' || name === 'loss') {
        if (silent.length > 0) notes.push(`silent under the impairment: ${silent.join(', ')}`);
      }
      await injected.mend();
      mendedAt = performance.now();
    }
    const recovery = await watch.recovery(
      at,
      () => Math.max(at, mendedAt) + OBSERVE_MS,
      at + RECOVERY_BOUND_MS,
    );
    result.recovered = recovery.recovered && notes.length === 0;
    result.recoveryMs = recovery.recoveryMs;
    result.longestGapMs = recovery.longestGapMs;
    if (!recovery.recovered) {
      notes.push(`not flowing again: ${recovery.stuck.join(', ')}`);
      notes.push(meetings.flatMap((m) => m.bots.map((b) => b.describe())).join('; '));
    }
  } finally {
    result.ackedDuring = await writer.stop();
    if (mendLater) await mendLater().catch((e: unknown) => notes.push(`mending: ${message(e)}`));
  }
  await healthy(deployment, watch).catch((e: unknown) => notes.push(message(e)));
  const check = await ledger.check(meetings);
  Object.assign(result, check);
  if (notes.length > 0) result.note = notes.join('; ');
  result.tookMs = performance.now() - started;
  return result;
}

export const roundFailed = (r: RoundResult) => !r.recovered || r.lost.length > 0 || !r.chainOk;

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  log('starting Redis, PostgreSQL, 2 SFU nodes, 2 signaling nodes…');
  const deployment = await startChaosDeployment(log, { testHost: options.testHost ?? true });
  let meetings: Meeting[] = [];
  let watch: MediaWatch | undefined;
  const closeAll = async () => {
    watch?.stop();
    for (const bot of meetings.flatMap((m) => m.bots)) await bot.close().catch(() => undefined);
  };
  options.onStarted?.(async () => {
    await closeAll();
    await deployment.stop();
  });
  const results: FaultResult[] = [];
  let failed = true;
  let logs: string[];
  try {
    const host = deployment.testHost;
    const behindLink =
      typeof host === 'string'
        ? undefined
        : { host, ports: deployment.signaling.map((s) => s.port) };
    const { plan } = options;
    log(
      `meetings: ${plan.meetings} × ${plan.peers} bots (${plan.senders} sending)${behindLink ? ', one more bot behind the test host link' : ''}`,
    );
    const tag = Date.now().toString(36);
    let started = 0;
    /** New meetings in new rooms (the first, or after a round left the old ones broken). */
    const freshMeetings = async (): Promise<void> => {
      await closeAll();
      started += 1;
      meetings = await startMeetings(plan, deployment.urls, `${tag}-${started}`, behindLink);
      watch = watchMedia(meetings);
    };
    await freshMeetings();
    const ledger = createLedger(
      deployment.urls,
      deployment.postgres.url,
      await deployment.token('office'),
    );
    await ledger.prepare();
    const ctx: RoundContext = {
      deployment,
      meetings,
      watch: watch!,
      ledger,
      impairMs: options.impairMs,
    };
    for (const name of options.faults) {
      const reason = await createFault(name, {
        deployment,
        meetings,
        impairMs: options.impairMs,
      }).unavailable();
      if (reason) {
        log(`${name}: skipped: ${reason}`);
        results.push({ fault: name, skipped: reason });
        continue;
      }
      const rounds: RoundResult[] = [];
      for (let round = 1; round <= options.rounds; round += 1) {
        const result = await runRound(ctx, name, round).catch((error: unknown): RoundResult => ({
          ...emptyRound(name, round),
          note: message(error),
        }));
        rounds.push(result);
        log(describeRound(result));
        if (!result.recovered) {
          // The next round starts from meetings that work, or says why it cannot.
          log('starting fresh meetings for the next round…');
          await freshMeetings().catch((e: unknown) => log(`fresh meetings: ${message(e)}`));
          ctx.meetings = meetings;
          ctx.watch = watch!;
        }
      }
      results.push({ fault: name, rounds });
    }
    failed = results.some((r) => 'rounds' in r && r.rounds.some(roundFailed));
  } finally {
    await closeAll();
    logs = await deployment.stop({ keepLogs: failed });
  }
  return { results, logs };
}

export function describeRound(r: RoundResult): string {
  const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '-');
  const state = r.recovered
    ? `recovered in ${s(r.recoveryMs)} (longest gap ${s(r.longestGapMs)})`
    : 'NOT RECOVERED';
  const lost =
    r.lost.length > 0
      ? `, LOST ${r.lost.length}: ${r.lost.slice(0, 5).join('; ')}`
      : ', nothing lost';
  return (
    `${r.fault} round ${r.round}: ${r.what || '?'}: ${state}; ${r.ackedDuring} acknowledged during, ` +
    `${r.checked} items read back${lost}; audit chain ${r.chain}; round took ${s(r.tookMs)}` +
    (r.note ? ` (${r.note})` : '')
  );
}
