// Sharing the screen (or a window or tab): the video track from
// getDisplayMedia and, where the browser shares it (a tab's sound in
// Chromium), its audio track, each with its producer. The browser's own
// "stop sharing" ends the video track, which stops the share like our button
// does. A new media epoch produces them again.
import type { types } from 'mediasoup-client';
import { t } from '../i18n/index.js';
import type { SignalingClient } from '../signaling/client.js';
import type { ProducerAppData } from './transports.js';

export type ScreenState = 'off' | 'starting' | 'on';

/** Why a share did not start. */
export type ScreenShareFailure = 'cancelled' | 'notAllowed' | 'notSupported' | 'failed';

/**
 * getDisplayMedia's refusals by DOMException name. NotAllowedError is both the
 * user closing the picker and a refusal by the system or a permissions
 * policy; browsers say which only in the message (Chromium: "… by system",
 * "… permissions policy").
 */
export function screenShareFailure(error: unknown): ScreenShareFailure {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : '';
  switch (name) {
    case 'NotAllowedError':
      return /system|policy|disallowed/i.test(message) ? 'notAllowed' : 'cancelled';
    case 'SecurityError':
      return 'notAllowed';
    case 'NotSupportedError':
    case 'TypeError':
      return 'notSupported';
    default:
      return 'failed';
  }
}

/** A share that did not start, with what the user is told (in their language). */
export class ScreenShareError extends Error {
  override readonly name = 'ScreenShareError';
  constructor(
    readonly kind: Exclude<ScreenShareFailure, 'cancelled'>,
    options?: { cause: unknown },
  ) {
    super(t(`screen.${kind}`), options);
  }
}

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
  let audioTrack: MediaStreamTrack | undefined;
  let audioProducer: types.Producer | undefined;
  let starting = false;

  async function produceAudio(on: types.Transport): Promise<void> {
    const a = audioTrack;
    if (!a || audioProducer) return;
    const appData: ProducerAppData = { source: 'screenAudio', paused: false };
    try {
      const created = await on.produce({ track: a, stopTracks: false, appData });
      if (on !== transport || a !== audioTrack) {
        created.close();
        return;
      }
      audioProducer = created;
      created.on('transportclose', () => {
        if (audioProducer === created) audioProducer = undefined;
      });
    } catch (error) {
      // The picture is shared; only its sound could not be. Say so, keep going.
      onError(error);
    }
  }

  function closeProducer(closing: types.Producer | undefined): void {
    if (!closing) return;
    closing.close();
    signaling.request('closeProducer', { producerId: closing.id }).catch((error: unknown) => {
      console.warn('closeProducer failed', error);
    });
  }

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
      await produceAudio(on);
    } catch (error) {
      // Refused (e.g. the host does not allow sharing): give the screen back.
      if (t === track) stop();
      onError(error);
    }
  }

  function stop(): void {
    const closing = [producer, audioProducer];
    producer = undefined;
    audioProducer = undefined;
    track?.stop();
    track = undefined;
    audioTrack?.stop();
    audioTrack = undefined;
    for (const p of closing) closeProducer(p);
    onChange();
  }

  return {
    async start() {
      if (track || starting) return;
      if (!navigator.mediaDevices?.getDisplayMedia) {
        onError(new ScreenShareError('notSupported'));
        return;
      }
      starting = true;
      onChange();
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
      } catch (error) {
        const kind = screenShareFailure(error);
        // Closing the picker is the user's own answer: nothing to tell them.
        if (kind !== 'cancelled') onError(new ScreenShareError(kind, { cause: error }));
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
      const a = stream.getAudioTracks()[0];
      if (a) {
        audioTrack = a;
        a.addEventListener('ended', () => {
          if (audioTrack !== a) return;
          audioTrack = undefined;
          const closing = audioProducer;
          audioProducer = undefined;
          closeProducer(closing);
        });
      }
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
      audioProducer?.close();
      audioProducer = undefined;
    },
    state: () => (track ? 'on' : starting ? 'starting' : 'off'),
    track: () => track,
  };
}
