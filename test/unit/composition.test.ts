// The edges of the composition root: which startup failures are said in one
// line, how stopping reports a step that fails, and how an unreachable key
// source for staff tokens shows in the log instead of only as 401s.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportKeySourceOutage } from '../../signaling/composeAuth.js';
import { createStepStopper } from '../../signaling/composeStop.js';
import { createLogger } from '../../signaling/core/logger.js';
import { startupFailure } from '../../signaling/composeErrors.js';
import { compose } from '../../signaling/compose.js';
import { loadConfig } from '../../signaling/config.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { createMemoryChatStore } from '../../signaling/chat/store.js';
import { createMemoryMeetingRecorder } from '../../signaling/rooms/meetingRecorder.js';
import { AuthError } from '../../signaling/auth/tokens.js';

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('startup failures an operator can fix', () => {
  const config = { port: 3000, host: '0.0.0.0' };
  it('say the message of a taken port or a locked data folder, nothing else', () => {
    const port = Object.assign(new Error('RTC_PORT 40000 is in use by another program'), {
      code: 'PORT_IN_USE',
    });
    const dir = Object.assign(new Error('DATA_DIR ./data is used by process 123'), {
      code: 'DATA_DIR_LOCKED',
    });
    expect(startupFailure(port, config)).toBe('RTC_PORT 40000 is in use by another program');
    expect(startupFailure(dir, config)).toBe('DATA_DIR ./data is used by process 123');
  });
  it('name PORT when the web server cannot bind', () => {
    const bind = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(startupFailure(bind, config)).toMatch(/^PORT 3000 is already in use on 0\.0\.0\.0/);
  });
  it('name SFU_INTERNAL_CA when its file cannot be read, before anything connects', async () => {
    const config = loadConfig({
      SFU_NODES: 'https://sfu-1.invalid:7100',
      SFU_SECRET: 's'.repeat(32),
      SFU_INTERNAL_CA: '/nonexistent/sfu-ca.pem',
      LOG_LEVEL: 'silent',
    });
    const key = new Uint8Array(32);
    const failure = await compose(config, {
      secrets: { jwtSecret: key, inviteSecret: key, resumeSecret: key },
      storage: {
        kind: 'memory',
        chat: createMemoryChatStore(),
        audit: createMemoryAuditSink(),
        meetings: createMemoryMeetingRecorder(),
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(startupFailure(failure, config)).toBe(
      'SFU_INTERNAL_CA /nonexistent/sfu-ca.pem cannot be read (ENOENT)',
    );
  });
  it('leave anything else to the stack trace (a bug)', () => {
    expect(startupFailure(new TypeError('x is undefined'), config)).toBeUndefined();
    expect(startupFailure('odd', config)).toBeUndefined();
  });
});

describe('stopping', () => {
  it('runs every step, last started first, logs each, and reports a failure', async () => {
    const { log, lines } = capturedLog();
    const stopper = createStepStopper(log);
    const order: string[] = [];
    stopper.add('database', async () => void order.push('database'));
    stopper.add('sfu', async () => {
      order.push('sfu');
      throw new Error('worker did not exit');
    });
    stopper.add('server', async () => void order.push('server'));
    expect(await stopper.stop()).toBe(false);
    expect(order).toEqual(['server', 'sfu', 'database']);
    expect(lines.map((l) => [l['step'], l['msg']])).toEqual([
      ['server', 'stopped'],
      ['sfu', 'failed to stop'],
      ['database', 'stopped'],
    ]);
    // Asked again (a second signal), nothing runs twice.
    expect(await stopper.stop()).toBe(false);
    expect(order).toHaveLength(3);
  });
});

describe('staff tokens checked against JWKS_URL', () => {
  let keys: Server;
  let url = '';
  let up = false;
  beforeAll(async () => {
    keys = createServer((_req, res) => {
      res.statusCode = up ? 200 : 503;
      res.end(up ? '{"keys":[]}' : 'down');
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/jwks`;
  });
  afterAll(async () => {
    await new Promise((resolve) => keys.close(resolve));
  });

  const refuse = async () => {
    throw new AuthError('UNAUTHENTICATED', 'token refused');
  };
  const outages = (lines: Record<string, unknown>[]) =>
    lines.filter((l) => String(l['msg']).startsWith('JWKS_URL unreachable'));

  it('an outage of the key source is logged, once per interval, and the refusal stands', async () => {
    const { log, lines } = capturedLog();
    let now = 0;
    const verify = reportKeySourceOutage(refuse, url, log, { intervalMs: 60_000, now: () => now });
    up = false;
    for (let i = 0; i < 5; i++) await expect(verify('t')).rejects.toBeInstanceOf(AuthError);
    await expect.poll(() => outages(lines).length).toBe(1);
    expect(outages(lines)[0]).toMatchObject({ status: 503, jwksUrl: url, level: 50 });
    now += 60_000;
    await expect(verify('t')).rejects.toBeInstanceOf(AuthError);
    await expect.poll(() => outages(lines).length).toBe(2);
  });
});
