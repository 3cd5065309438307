// Connection quality of one received stream from WebRTC stats: packet loss
// and jitter over the last interval. Thresholds follow common practice for
// real-time video (under 2 % loss is unnoticeable, over 8 % is visible).
export type Quality = 'good' | 'fair' | 'poor';

export interface InboundSample {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds. */
  jitter: number;
}

export function inboundSample(report: RTCStatsReport): InboundSample | undefined {
  for (const stats of report.values() as IterableIterator<Record<string, unknown>>) {
    if (stats['type'] !== 'inbound-rtp') continue;
    const received = stats['packetsReceived'];
    const lost = stats['packetsLost'];
    const jitter = stats['jitter'];
    return {
      packetsReceived: typeof received === 'number' ? received : 0,
      packetsLost: typeof lost === 'number' ? Math.max(0, lost) : 0,
      jitter: typeof jitter === 'number' ? jitter : 0,
    };
  }
  return undefined;
}

/** undefined when nothing arrived in the interval (a paused stream says nothing). */
export function qualityBetween(before: InboundSample, now: InboundSample): Quality | undefined {
  const received = now.packetsReceived - before.packetsReceived;
  const lost = Math.max(0, now.packetsLost - before.packetsLost);
  if (received <= 0) return undefined;
  const loss = lost / (received + lost);
  if (loss > 0.08 || now.jitter > 0.1) return 'poor';
  if (loss > 0.02 || now.jitter > 0.03) return 'fair';
  return 'good';
}
