import { describe, expect, it } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import { AppError, toProtocolError } from '../../signaling/core/errors.js';
import { createRateLimiter } from '../../signaling/socket/rateLimiter.js';

describe('error taxonomy', () => {
  it('passes deliberate errors through', () => {
    expect(toProtocolError(new AppError('NOT_JOINED', 'join first'))).toEqual({
      error: { code: 'NOT_JOINED', message: 'join first' },
      internal: false,
    });
  });
  it('maps SFU errors to client codes', () => {
    expect(toProtocolError(new SfuError('PRODUCER_NOT_FOUND', 'x')).error.code).toBe('NOT_FOUND');
    expect(toProtocolError(new SfuError('CANNOT_CONSUME', 'x')).error.code).toBe('MEDIA_ERROR');
    expect(toProtocolError(new SfuError('INTERNAL', 'x'))).toMatchObject({
      error: { code: 'SFU_ERROR' },
      internal: true,
    });
  });
  it('never leaks the text of unexpected errors', () => {
    const { error, internal } = toProtocolError(new Error('password=hunter2 at db.ts:12'));
    expect(error).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(internal).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills over time', () => {
    let now = 0;
    const limiter = createRateLimiter(10, 3, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100; // one token at 10/s
    expect([limiter.take(), limiter.take()]).toEqual([true, false]);
    now += 10_000;
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
