// How /readyz judges dependency checks: a check that starts failing leaves
// the node ready but `degraded` (the balancer keeps it) for the grace
// period, then not ready; it is ready again as soon as the check passes. A
// check that hangs counts as failed at its timeout and is not started again
// while it still waits. Credentials in an error's text never reach the answer.
import { describe, expect, it } from 'vitest';
import { createReadiness, type ReadyCheck } from '../../sfu/node/metricsReadiness.js';

/** A dependency the test switches on and off (its checks resolve or reject at once). */
function switchable(name: string) {
  let up = true;
  let runs = 0;
  const check: ReadyCheck = {
    name,
    async run() {
      runs += 1;
      if (!up) throw new Error(`connect ECONNREFUSED redis://user:hunter2@10.0.0.5:6379`);
    },
  };
  return {
    check,
    set: (value: boolean) => void (up = value),
    runs: () => runs,
  };
}

describe('readiness', () => {
  it('degrades during the grace period, then says not ready, then recovers at once', async () => {
    let now = 1_000_000;
    const redis = switchable('redis');
    const database = switchable('database');
    const probe = createReadiness({
      checks: [database.check, redis.check],
      graceMs: 10_000,
      cacheMs: 0,
      now: () => now,
    });

    expect(await probe.check()).toEqual({
      ready: true,
      status: 'ok',
      checks: { database: { ok: true }, redis: { ok: true } },
    });

    redis.set(false);
    const blip = await probe.check();
    expect(blip).toMatchObject({
      ready: true,
      status: 'degraded',
      checks: { database: { ok: true }, redis: { ok: false, failingForMs: 0 } },
    });
    // The reason is told without the password of a connection string.
    expect(blip.checks['redis']?.error).toContain('ECONNREFUSED');
    expect(blip.checks['redis']?.error).not.toContain('hunter2');

    now += 9_999;
    expect(await probe.check()).toMatchObject({ ready: true, status: 'degraded' });
    now += 1;
    expect(await probe.check()).toMatchObject({
      ready: false,
      status: 'unavailable',
      checks: { redis: { ok: false, failingForMs: 10_000 } },
    });

    redis.set(true);
    now += 1;
    expect(await probe.check()).toMatchObject({ ready: true, status: 'ok' });
    // A new failure starts a new grace period.
    redis.set(false);
    now += 1;
    expect(await probe.check()).toMatchObject({ ready: true, status: 'degraded' });
  });

  it('judges a check with a grace of its own (none: not ready at once)', async () => {
    const workers = switchable('workers');
    const probe = createReadiness({
      checks: [{ ...workers.check, graceMs: 0 }],
      graceMs: 10_000,
      cacheMs: 0,
    });
    workers.set(false);
    expect(await probe.check()).toMatchObject({ ready: false, status: 'unavailable' });
  });

  it('fails a check that does not answer in time, without piling up new ones', async () => {
    let runs = 0;
    let answering = false;
    let release: () => void = () => undefined;
    const hung: ReadyCheck = {
      name: 'database',
      run: () => {
        runs += 1;
        if (answering) return Promise.resolve();
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const probe = createReadiness({ checks: [hung], timeoutMs: 20, cacheMs: 0, graceMs: 60_000 });
    const first = await probe.check();
    expect(first).toMatchObject({ ready: true, status: 'degraded' });
    expect(first.checks['database']?.error).toMatch(/no answer within 20 ms/);
    await probe.check();
    expect(runs).toBe(1);
    answering = true;
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(await probe.check()).toMatchObject({ ready: true, status: 'ok' });
    expect(runs).toBe(2);
  });

  it('reuses a fresh answer: probes and scrapes do not multiply the checks', async () => {
    let now = 0;
    const redis = switchable('redis');
    const probe = createReadiness({ checks: [redis.check], cacheMs: 1000, now: () => now });
    await Promise.all([probe.check(), probe.check()]);
    await probe.check();
    expect(redis.runs()).toBe(1);
    now += 1000;
    await probe.check();
    expect(redis.runs()).toBe(2);
  });
});
