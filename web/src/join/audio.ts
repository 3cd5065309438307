// Sound checks on the join screen: the microphone's level through an
// AnalyserNode, and a short generated tone for the speakers (no file).

/** One AudioContext per page; browsers limit how many may exist. */
let shared: AudioContext | undefined;
function context(): AudioContext {
  if (!shared) {
    const created = new AudioContext();
    shared = created;
    // Created before any gesture it starts suspended (the meter stays still):
    // the first click or key press anywhere resumes it.
    const resume = () => {
      if (created.state !== 'suspended') return;
      void created.resume().catch(() => undefined);
    };
    addEventListener('pointerdown', resume, { capture: true, once: true });
    addEventListener('keydown', resume, { capture: true, once: true });
  }
  if (shared.state === 'suspended') void shared.resume().catch(() => undefined);
  return shared;
}

/**
 * Calls `onLevel` with the microphone's level (0…1, RMS) on every animation
 * frame until the returned function is called.
 */
export function watchLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const ctx = context();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // RMS of speech is small: scale so normal speech fills most of the meter.
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(frame);
    source.disconnect();
    analyser.disconnect();
  };
}

/** A soft two-note chime of about 0.8 s; resolves when it has played. */
export function playTestTone(): Promise<void> {
  const ctx = context();
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
