// Audio levels from WebRTC stats. Chromium counts, per audio track, the
// energy of every sample (sum of level² × duration) in `totalAudioEnergy`:
// inbound-rtp for what we receive (after decoding), media-source for what we
// send. The mean power between two readings catches a short word or a beep
// that a once-in-a-while level reading (or an average of dB values) misses.

export interface EnergySample {
  /** Sum of level² × seconds. */
  readonly energy: number;
  /** Seconds of audio counted. */
  readonly duration: number;
}

/** Above this mean level over a reading interval, someone is talking (dBov). */
export const SPEAKING_DBOV = -45;
/** Speaking stays on this long after the last loud interval, so words run together. */
export const SPEAKING_HOLD_MS = 700;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Energy counters of every audio track in a stats report, by track id. */
export function audioEnergies(report: RTCStatsReport): Map<string, EnergySample> {
  const out = new Map<string, EnergySample>();
  for (const stats of report.values() as IterableIterator<Record<string, unknown>>) {
    const type = stats['type'];
    if ((type !== 'inbound-rtp' && type !== 'media-source') || stats['kind'] !== 'audio') continue;
    const trackId = stats['trackIdentifier'];
    const energy = num(stats['totalAudioEnergy']);
    const duration = num(stats['totalSamplesDuration']);
    if (typeof trackId !== 'string' || energy === undefined || duration === undefined) continue;
    out.set(trackId, { energy, duration });
  }
  return out;
}

/** Mean level between two readings in dBov; undefined when no audio was counted in between. */
export function levelBetween(before: EnergySample, now: EnergySample): number | undefined {
  const duration = now.duration - before.duration;
  if (duration <= 0) return undefined;
  const power = Math.max(0, now.energy - before.energy) / duration;
  return power > 0 ? 10 * Math.log10(power) : -Infinity;
}

/** Voice activity of one track: on at once when loud, off after a quiet hold. */
export interface Activity {
  readonly speaking: boolean;
  readonly lastLoudAt: number;
}

export const quiet: Activity = { speaking: false, lastLoudAt: -Infinity };

export function nextActivity(previous: Activity, level: number | undefined, now: number): Activity {
  if (level !== undefined && level >= SPEAKING_DBOV) return { speaking: true, lastLoudAt: now };
  const speaking = now - previous.lastLoudAt < SPEAKING_HOLD_MS;
  return speaking === previous.speaking ? previous : { ...previous, speaking };
}
