// Polls one consumer's stats every few seconds while its tile is shown.
import { useEffect, useState } from 'preact/hooks';
import {
  inboundSample,
  qualityBetween,
  type InboundSample,
  type Quality,
} from '../media/quality.js';

const INTERVAL_MS = 2000;

export function useQuality(
  consumerId: string | undefined,
  getStats: (consumerId: string) => Promise<RTCStatsReport | undefined>,
): Quality | undefined {
  const [quality, setQuality] = useState<Quality | undefined>(undefined);
  useEffect(() => {
    setQuality(undefined);
    if (!consumerId) return;
    let previous: InboundSample | undefined;
    let live = true;
    const poll = async () => {
      const report = await getStats(consumerId).catch(() => undefined);
      const sample = report && inboundSample(report);
      if (!live || !sample) return;
      if (previous) {
        const next = qualityBetween(previous, sample);
        if (next) setQuality(next);
      }
      previous = sample;
    };
    const timer = setInterval(() => void poll(), INTERVAL_MS);
    void poll();
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [consumerId, getStats]);
  return quality;
}
