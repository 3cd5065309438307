// Sound checks on the join screen: the microphone's level through an
// AnalyserNode, and a short generated tone for the speakers (no file).
import { analyseTrack, sharedAudioContext as context } from '../lib/audioContext.js';
import { applySink } from '../media/audioOutput.js';

/**
 * Calls `onLevel` with the microphone's level (0…1, RMS) on every animation
 * frame until the returned function is called.
 */
export function watchLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const analyser = analyseTrack(track, 512);
  let frame = 0;
  const tick = () => {
    // RMS of speech is small: scale so normal speech fills most of the meter.
    onLevel(Math.min(1, Math.sqrt(analyser.meanSquare()) * 4));
    frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(frame);
    analyser.close();
  };
}

/**
 * A soft two-note chime of about 0.8 s on the chosen output device (the
 * default when undefined); resolves when it has played.
 */
export async function playTestTone(sinkId?: string): Promise<void> {
  const ctx = context();
  await applySink(ctx, sinkId);
  const start = ctx.currentTime + 0.05;
  const notes = [
    { freq: 660, at: 0 },
    { freq: 880, at: 0.35 },
  ];
  for (const { freq, at } of notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0, start + at);
    gain.gain.linearRampToValueAtTime(0.25, start + at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.001, start + at + 0.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + at);
    osc.stop(start + at + 0.45);
  }
  return new Promise((resolve) => setTimeout(resolve, 850));
}
