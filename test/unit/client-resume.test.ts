// Coming back after a dropped signaling connection: the client asks to keep
// its media only when it has media, keeps it only when the server says it
// was kept, and drops the consumers of producers that left meanwhile.
import { describe, expect, it } from 'vitest';
import { mediaAfterJoin, resumeFields, staleConsumers } from '../../web/src/meeting/resume.js';

describe('resuming after a dropped connection', () => {
  it('a first join (or one after a page reload) resumes nothing', () => {
    expect(resumeFields(undefined, false)).toEqual({});
    expect(resumeFields(undefined, true)).toEqual({});
  });

  it('a rejoin asks to keep its media only while it still runs here', () => {
    expect(resumeFields('token', true)).toEqual({ resumeToken: 'token', keepMedia: true });
    expect(resumeFields('token', false)).toEqual({ resumeToken: 'token', keepMedia: false });
  });

  it('keeps media only when the reply says it was kept', () => {
    expect(mediaAfterJoin({ resumed: true, media: 'kept' }, true)).toBe('keep');
    expect(mediaAfterJoin({ resumed: true, media: 'fresh' }, true)).toBe('rebuild');
    // A server that does not say predates keeping media: its SFU peer is new.
    expect(mediaAfterJoin({ resumed: true }, true)).toBe('rebuild');
    // Not resumed (the place was gone): everything is new.
    expect(mediaAfterJoin({ resumed: false, media: 'kept' }, true)).toBe('rebuild');
  });

  it('starts media when it had none, whatever the reply says', () => {
    expect(mediaAfterJoin({ resumed: false }, false)).toBe('start');
    expect(mediaAfterJoin({ resumed: true, media: 'kept' }, false)).toBe('start');
  });

  it('closes the consumers whose producers left while we were away', () => {
    const tracks = [
      { consumerId: 'c1', producerId: 'p1' },
      { consumerId: 'c2', producerId: 'p2' },
      { consumerId: 'c3', producerId: 'p3' },
    ];
    const peers = [
      { producers: [{ producerId: 'p1', source: 'mic' as const }] },
      { producers: [{ producerId: 'p3', source: 'camera' as const }] },
    ];
    expect(staleConsumers(tracks, peers)).toEqual(['c2']);
    expect(staleConsumers(tracks, [])).toEqual(['c1', 'c2', 'c3']);
  });
});
