// The speaking indicator's arithmetic: mean level from energy counters, and a
// hold so that the indicator does not flicker between words.
import { describe, expect, it } from 'vitest';
import {
  audioEnergies,
  levelBetween,
  nextActivity,
  quiet,
  SPEAKING_HOLD_MS,
} from '../../web/src/media/levels.js';

const report = (entries: Record<string, unknown>[]): RTCStatsReport =>
  new Map(entries.map((e, i) => [String(i), e])) as unknown as RTCStatsReport;

describe('audio levels from WebRTC stats', () => {
  it('reads the energy of received and sent audio tracks, by track id, and nothing else', () => {
    const energies = audioEnergies(
      report([
        {
          type: 'inbound-rtp',
          kind: 'audio',
          trackIdentifier: 'remote',
          totalAudioEnergy: 0.5,
          totalSamplesDuration: 2,
        },
        {
          type: 'media-source',
          kind: 'audio',
          trackIdentifier: 'mine',
          totalAudioEnergy: 0.1,
          totalSamplesDuration: 3,
        },
        { type: 'inbound-rtp', kind: 'video', trackIdentifier: 'camera', framesDecoded: 10 },
        { type: 'inbound-rtp', kind: 'audio', trackIdentifier: 'no-counters' },
        {
          type: 'outbound-rtp',
          kind: 'audio',
          trackIdentifier: 'x',
          totalAudioEnergy: 1,
          totalSamplesDuration: 1,
        },
      ]),
    );
    expect([...energies.keys()].sort()).toEqual(['mine', 'remote']);
    expect(energies.get('remote')).toEqual({ energy: 0.5, duration: 2 });
  });

  it('a 20 ms beep at full scale in a quarter second is loud; room hiss is not', () => {
    // Beep: level 1 for 0.02 s; the rest silence.
    const beep = levelBetween({ energy: 0, duration: 10 }, { energy: 0.02, duration: 10.25 });
    expect(beep).toBeGreaterThan(-45);
    // Hiss at level 0.002 (-54 dBov) the whole time.
    const hiss = levelBetween(
      { energy: 0, duration: 10 },
      { energy: 0.002 ** 2 * 0.25, duration: 10.25 },
    );
    expect(hiss).toBeCloseTo(-54, 0);
    expect(hiss).toBeLessThan(-45);
    expect(levelBetween({ energy: 1, duration: 5 }, { energy: 1, duration: 5.25 })).toBe(-Infinity);
  });

  it('no audio counted in between (a paused stream) says nothing', () => {
    expect(levelBetween({ energy: 1, duration: 5 }, { energy: 1, duration: 5 })).toBeUndefined();
  });

  it('lights at once on a loud interval and goes dark only after the hold', () => {
    const loud = nextActivity(quiet, -20, 1000);
    expect(loud.speaking).toBe(true);
    const pause = nextActivity(loud, -70, 1000 + SPEAKING_HOLD_MS - 1);
    expect(pause.speaking).toBe(true);
    const silent = nextActivity(pause, -70, 1000 + SPEAKING_HOLD_MS);
    expect(silent.speaking).toBe(false);
    expect(nextActivity(silent, undefined, 5000)).toBe(silent);
  });
});
