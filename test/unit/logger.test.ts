// Log redaction: credentials are hidden by their key's name wherever they sit
// in a logged object — inside an error, its cause, a request body, an array.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, rateLimited } from '../../signaling/core/logger.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', sink), text: () => lines.join('') };
}

describe('log redaction', () => {
  it('hides a token nested in an error object, and in its cause', () => {
    const { log, text } = capture();
    const cause = Object.assign(new Error('refresh failed'), { refreshToken: 'SECRET-CAUSE' });
    const error = Object.assign(new Error('join failed', { cause }), {
      request: { resumeToken: 'SECRET-RESUME', room: 'zal-1' },
    });
    log.error({ err: error }, 'request failed');
    const out = text();
    expect(out).not.toContain('SECRET-');
    expect(out).toContain('join failed');
    expect(out).toContain('zal-1');
    expect(out).toContain('"type":"Error"');
    expect(out).toContain('[redacted]');
  });

  it('hides credentials by name at any depth, in any case, and keeps the rest', () => {
    const { log, text } = capture();
    log.info(
      {
        payload: {
          invite: 'SECRET-INVITE',
          list: [{ passcode: 'SECRET-PASSCODE' }, { password: 'SECRET-PASSWORD' }],
          deep: { deeper: { inviteSecret: 'SECRET-INV-SECRET', token: 'SECRET-TOKEN' } },
        },
        headers: { Authorization: 'Bearer SECRET-BEARER', Cookie: 'sid=SECRET-COOKIE' },
        'set-cookie': ['SECRET-SET-COOKIE'],
        auth: { token: 'SECRET-AUTH' },
        room: 'кабинет',
        peers: 3,
      },
      'joined',
    );
    const out = text();
    expect(out).not.toContain('SECRET-');
    expect(JSON.parse(out)).toMatchObject({ room: 'кабинет', peers: 3, msg: 'joined' });
  });

  it("hides credentials in a child logger's bindings, and its children's", () => {
    const { log, text } = capture();
    const peer = log.child({ room: 'zal-1', resumeToken: 'SECRET-CHILD' });
    peer.child({ invite: 'SECRET-GRANDCHILD', peer: 'p1' }).info({ ok: true }, 'ready');
    const out = text();
    expect(out).not.toContain('SECRET-');
    expect(JSON.parse(out)).toMatchObject({ room: 'zal-1', peer: 'p1', ok: true });
  });

  it('survives circular objects', () => {
    const { log, text } = capture();
    const loop: Record<string, unknown> = { token: 'SECRET-LOOP' };
    loop.self = loop;
    log.info({ loop }, 'circular');
    expect(text()).not.toContain('SECRET-');
    expect(text()).toContain('circular');
  });
});

describe('rate-limited reports', () => {
  it('says the first at once, holds back the rest of the interval and counts them in the next', () => {
    let clock = 0;
    const report = rateLimited(30_000, () => clock);
    const said: number[] = [];
    const say = (suppressed: number) => said.push(suppressed);
    report(say);
    clock += 1_000;
    report(say);
    report(say);
    expect(said).toEqual([0]);
    clock += 30_000;
    report(say);
    expect(said).toEqual([0, 2]);
    clock += 30_000;
    report(say);
    expect(said).toEqual([0, 2, 0]);
  });
});
