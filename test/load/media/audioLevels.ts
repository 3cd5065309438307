// The audio level a browser puts in each packet's ssrc-audio-level header
// extension (RFC 6464): the frame's RMS level as -dBov, 0 (loudest) to 127
// (silence). Measured from the same signal the Opus clip was encoded from.

export const SILENT_LEVEL = 127;

/** -dBov of 16-bit little-endian mono samples [from, to) (clamped to the buffer). */
export function pcmLevel(pcm: Buffer, from: number, to: number): number {
  const first = Math.max(0, from);
  const last = Math.min(to, Math.floor(pcm.length / 2));
  if (last <= first) return SILENT_LEVEL;
  let sum = 0;
  for (let i = first; i < last; i += 1) {
    const sample = pcm.readInt16LE(i * 2) / 32768;
    sum += sample * sample;
  }
  const rms = Math.sqrt(sum / (last - first));
  if (rms <= 0) return SILENT_LEVEL;
  return Math.min(SILENT_LEVEL, Math.max(0, Math.round(-20 * Math.log10(rms))));
}

/**
 * One level per Opus packet: packet i plays samples [i*n - preSkip, (i+1)*n - preSkip)
 * of the source, n samples per frame.
 */
export function packetLevels(
  pcm: Buffer,
  packets: number,
  samplesPerPacket: number,
  preSkip: number,
): number[] {
  return Array.from({ length: packets }, (_, i) => {
    const start = i * samplesPerPacket - preSkip;
    return pcmLevel(pcm, start, start + samplesPerPacket);
  });
}
