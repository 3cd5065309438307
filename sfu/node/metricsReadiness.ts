// Readiness (`/readyz`) from dependency checks, for signaling and SFU nodes
// alike. A check that starts failing makes the node `degraded` (still ready:
// HTTP 200) for a grace period, and only then not ready (503). A brief Redis
// or database blip that every node sees at once thus takes no node out of its
// balancer; a lasting one, or one only this node has, does. Each check's
// latest outcome is a metric too (`veche_dependency_up`).
import { Gauge, type Registry } from 'prom-client';

export interface ReadyCheck {
  /** Named in the answer (`database`, `redis`, `sfu`, `workers`, `registry`). */
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or takes too long) when it does not. */
  run(): Promise<void>;
  /** How long a failure may last before the node is not ready (default: the readiness's grace). */
  readonly graceMs?: number;
}

export interface CheckOutcome {
  ok: boolean;
  /** Why it failed (no secrets: connection strings are cut out). */
  error?: string;
  /** How long it has been failing, ms. */
  failingForMs?: number;
}

export type ReadinessStatus = 'ok' | 'degraded' | 'unavailable';

export interface Readiness {
  ready: boolean;
  status: ReadinessStatus;
  checks: Record<string, CheckOutcome>;
}

export interface ReadinessOptions {
  checks: readonly ReadyCheck[];
  /** How long a failing check leaves the node degraded before it is not ready (default 10 s). */
  graceMs?: number;
  /** A check that has not answered by then failed (default 2 s). */
  timeoutMs?: number;
  /** Answers are reused this long, so probes and scrapes do not multiply the checks (default 1 s). */
  cacheMs?: number;
  now?: () => number;
}

export const DEFAULT_READY_GRACE_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 2_000;
const DEFAULT_CACHE_MS = 1_000;

/** An error's message, without credentials a connection string might carry. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\/\/[^\s/@]*@/g, '//').slice(0, 200);
}

function withTimeout(run: () => Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    run().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface ReadinessProbe {
  /** Runs the checks (or reuses a fresh answer) and judges them. */
  check(): Promise<Readiness>;
}

export function createReadiness(options: ReadinessOptions): ReadinessProbe {
  const {
    checks,
    graceMs = DEFAULT_READY_GRACE_MS,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    cacheMs = DEFAULT_CACHE_MS,
    now = Date.now,
  } = options;
  /** When each failing check started failing. */
  const failingSince = new Map<string, number>();
  let last: { at: number; answer: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  /**
   * A check still waiting for its dependency is not started again: a hung
   * database does not collect one more pending query with every probe.
   */
  const inFlight = new Map<string, Promise<void>>();

  function start(c: ReadyCheck): Promise<void> {
    let run = inFlight.get(c.name);
    if (!run) {
      run = Promise.resolve()
        .then(() => c.run())
        .finally(() => inFlight.delete(c.name));
      inFlight.set(c.name, run);
    }
    const pending = run;
    return withTimeout(() => pending, timeoutMs);
  }

  async function evaluate(): Promise<Readiness> {
    const settled = await Promise.allSettled(checks.map(start));
    const at = now();
    const outcomes: Record<string, CheckOutcome> = {};
    let degraded = false;
    let unavailable = false;
    checks.forEach((c, i) => {
      const result = settled[i];
      if (result === undefined || result.status === 'fulfilled') {
        failingSince.delete(c.name);
        outcomes[c.name] = { ok: true };
        return;
      }
      const since = failingSince.get(c.name) ?? at;
      failingSince.set(c.name, since);
      const failingForMs = at - since;
      if (failingForMs >= (c.graceMs ?? graceMs)) unavailable = true;
      else degraded = true;
      outcomes[c.name] = { ok: false, error: reasonOf(result.reason), failingForMs };
    });
    const status: ReadinessStatus = unavailable ? 'unavailable' : degraded ? 'degraded' : 'ok';
    const answer = { ready: !unavailable, status, checks: outcomes };
    last = { at, answer };
    return answer;
  }

  return {
    check() {
      if (last && now() - last.at < cacheMs) return Promise.resolve(last.answer);
      running ??= evaluate().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

/**
 * `veche_dependency_up{check}`: 1 while the check passes, 0 while it fails,
 * as the probe last judged it (a scrape runs the checks when no fresh
 * answer is at hand).
 */
export function registerReadinessMetric(registry: Registry, probe: ReadinessProbe): void {
  const metric: Gauge<'check'> = new Gauge({
    name: 'veche_dependency_up',
    help: 'Whether a dependency answers its readiness check (1) or not (0), by check',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const { checks } = await probe.check();
      metric.reset();
      for (const [check, outcome] of Object.entries(checks))
        metric.set({ check }, outcome.ok ? 1 : 0);
    },
  });
}
