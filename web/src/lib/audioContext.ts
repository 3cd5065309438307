// One AudioContext per page: browsers limit how many may exist. Made before
// any gesture it starts suspended, so the first click or key press anywhere
// resumes it.
let shared: AudioContext | undefined;

export function sharedAudioContext(): AudioContext {
  if (!shared) {
    const created = new AudioContext();
    shared = created;
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

/** The recent sound of a track, read on demand. */
export interface TrackAnalyser {
  /** Mean of sample² over the last `fftSize` samples (0 for silence, 1 full scale). */
  meanSquare(): number;
  close(): void;
}

export function analyseTrack(track: MediaStreamTrack, fftSize: number): TrackAnalyser {
  const ctx = sharedAudioContext();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = fftSize;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    meanSquare() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return sum / samples.length;
    },
    close() {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
