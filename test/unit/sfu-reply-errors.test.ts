// What a client hears when the SFU refuses: the code and a fixed text per SFU
// code. The SFU's own text stays in the log.
import { describe, expect, it } from 'vitest';
import { SfuError, sfuErrorCodeSchema } from '../../sfu/api/index.js';
import { toProtocolError } from '../../signaling/core/errors.js';

describe('SFU errors in replies', () => {
  const mediasoupText =
    'unsupported codec [mimeType:video/X-NOPE, payloadType:100] at ortc.js:212 (10.0.0.7:40000)';

  it.each(sfuErrorCodeSchema.options)('%s: a fixed text, the detail for the log', (code) => {
    const { error, detail } = toProtocolError(new SfuError(code, mediasoupText));
    expect(error.message).not.toContain('X-NOPE');
    expect(error.message).not.toContain('10.0.0.7');
    // Stable: the same code always reads the same, whatever the SFU said.
    expect(toProtocolError(new SfuError(code, 'something else')).error).toEqual(error);
    expect(detail).toBe(`${code}: ${mediasoupText}`);
  });

  it('keeps the codes clients act on', () => {
    expect(toProtocolError(new SfuError('MEDIA_REJECTED', mediasoupText))).toMatchObject({
      error: { code: 'MEDIA_ERROR', message: 'the media server refused these media parameters' },
      internal: false,
    });
    expect(toProtocolError(new SfuError('TRANSPORT_NOT_FOUND', 'x')).error.code).toBe('NOT_FOUND');
    expect(toProtocolError(new SfuError('SFU_UNAVAILABLE', 'x'))).toMatchObject({
      error: { code: 'SFU_ERROR' },
      internal: true,
    });
  });
});
