// Sharing the screen (or a window or tab): one track from getDisplayMedia and
// its producer. The browser's own "stop sharing" ends the track, which stops
// the share like our button does. A new media epoch produces it again.
import type { types } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/client.js';
import type { ProducerAppData } from './transports.js';

export type ScreenState = 'off' | 'starting' | 'on';

export interface ScreenShare {
  start(): Promise<void>;
  stop(): void;
  attach(transport: types.Transport): void;
  detach(): void;
  state(): ScreenState;
  track(): MediaStreamTrack | undefined;
}

export function createScreenShare(
  signaling: SignalingClient,
  onChange: () => void,
  onError: (error: unknown) => void,
): ScreenShare {
  let transport: types.Transport | undefined;
  let track: MediaStreamTrack | undefined;
  let producer: types.Producer | undefined;
  let starting = false;

  async function produce(): Promise<void> {
    const on = transport;
    const t = track;
    if (!on || !t || producer) return;
    const appData: ProducerAppData = { source: 'screen', paused: false };
    try {
      const created = await on.produce({ track: t, stopTracks: false, appData });
      if (on !== transport || t !== track) {
        created.close();
        return;
      }
      producer = created;
      created.on('transportclose', () => {
        if (producer === created) producer = undefined;
      });
    } catch (error) {
      // Refused (e.g. the host does not allow sharing): give the screen back.
      if (t === track) stop();
      onError(error);
    }
  }

  function stop(): void {
    const closing = producer;
    producer = undefined;
    track?.stop();
    track = undefined;
    if (closing) {
      closing.close();
      signaling.request('closeProducer', { producerId: closing.id }).catch((error: unknown) => {
        console.warn('closeProducer failed', error);
      });
    }
    onChange();
  }

  return {
    async start() {
      if (track || starting || !navigator.mediaDevices?.getDisplayMedia) return;
      starting = true;
      onChange();
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch {
        // The user cancelled the picker.
        return;
      } finally {
        starting = false;
        onChange();
      }
      const t = stream.getVideoTracks()[0];
      if (!t) return;
      track = t;
      t.addEventListener('ended', () => {
        if (track === t) stop();
      });
      onChange();
      await produce();
    },
    stop,
    attach(next) {
      transport = next;
      void produce();
    },
    detach() {
      transport = undefined;
      producer?.close();
      producer = undefined;
    },
    state: () => (track ? 'on' : starting ? 'starting' : 'off'),
    track: () => track,
  };
}
