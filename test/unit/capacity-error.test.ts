// A join that no SFU node can take tells the user so in their language,
// not with the generic error text.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../signaling/protocol/limits.js';
import { requestInfo } from '../../signaling/protocol/requestInfo.js';
import { en } from '../../web/src/i18n/en.js';
import { describeError } from '../../web/src/i18n/errors.js';
import { ru } from '../../web/src/i18n/ru.js';
import { SignalingError } from '../../web/src/signaling/client.js';

describe('CAPACITY_EXCEEDED', () => {
  it('is a protocol error code that join may answer', () => {
    expect(ERROR_CODES).toContain('CAPACITY_EXCEEDED');
    expect(requestInfo.join.errors).toContain('CAPACITY_EXCEEDED');
  });

  it('reads as its own message in Russian and English', () => {
    expect(en['error.CAPACITY_EXCEEDED']).toMatch(/full/);
    expect(ru['error.CAPACITY_EXCEEDED']).toMatch(/заполнены/);
    const text = describeError(new SignalingError('CAPACITY_EXCEEDED', 'no room', 'join'));
    expect([en['error.CAPACITY_EXCEEDED'], ru['error.CAPACITY_EXCEEDED']]).toContain(text);
  });
});
