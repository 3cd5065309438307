// <video> and <audio> elements playing one MediaStreamTrack each; the sound
// goes to the output device the user picked.
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { applySink, useSpeakerDevice } from '../media/audioOutput.js';

/**
 * Browsers may refuse to start sound without a user gesture (joining counts,
 * but not every browser agrees). A refused element retries on the next click
 * or key press anywhere on the page.
 */
function play(element: HTMLMediaElement): void {
  element.play().catch(() => {
    const retry = () => {
      removeEventListener('pointerdown', retry, true);
      removeEventListener('keydown', retry, true);
      if (element.isConnected && element.srcObject) element.play().catch(() => undefined);
    };
    addEventListener('pointerdown', retry, true);
    addEventListener('keydown', retry, true);
  });
}

function useTrack<E extends HTMLMediaElement>(track: MediaStreamTrack | undefined) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = track ? new MediaStream([track]) : null;
    if (track) play(element);
  }, [track]);
  return ref;
}

export interface TrackVideoProps {
  track: MediaStreamTrack | undefined;
  testId: string;
  class?: string;
  /** The server's consumer id, for tests and diagnostics. */
  consumerId?: string | undefined;
}

/** Video only: muted, since sound (if any) plays through a separate <audio>. */
export function TrackVideo({ track, testId, class: className, consumerId }: TrackVideoProps) {
  const ref = useTrack<HTMLVideoElement>(track);
  useLayoutEffect(() => {
    // The muted property does not show as an attribute; defaultMuted does.
    if (ref.current) ref.current.defaultMuted = true;
  }, []);
  return (
    <video
      ref={ref}
      class={className}
      data-testid={testId}
      data-consumer-id={consumerId}
      autoplay
      playsinline
      muted
    />
  );
}

export function TrackAudio({
  track,
  consumerId,
}: {
  track: MediaStreamTrack | undefined;
  /** The server's consumer id, for tests and diagnostics. */
  consumerId?: string | undefined;
}) {
  const ref = useTrack<HTMLAudioElement>(track);
  const sink = useSpeakerDevice();
  useEffect(() => {
    if (ref.current) void applySink(ref.current, sink);
  }, [sink]);
  return <audio ref={ref} data-consumer-id={consumerId} autoplay />;
}
