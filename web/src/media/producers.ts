// Local media: the mic and camera tracks and their producers. Muting pauses
// the producer (locally and on the server) and keeps the track, so unmuting
// is instant; what the user wants survives a rebuild of the transports.
// Screen sharing lives in screenShare.ts. The camera is sent as VP8 simulcast
// (see simulcast.ts) so the server can forward each receiver the size its
// tile needs.
import type { types } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/client.js';
import type { LocalTracks } from './localMedia.js';
import { cameraEncodings } from './simulcast.js';
import type { ProducerAppData } from './transports.js';

/** The sources this client produces. */
export type LocalSource = 'mic' | 'camera';

/** pending: the devices were not asked yet; unavailable: no such device or refused. */
export type SourceState = 'pending' | 'on' | 'off' | 'unavailable';

export interface ProducerSet {
  /** The devices' answer; producing starts as soon as a transport is attached too. */
  setTracks(tracks: LocalTracks): void;
  attach(transport: types.Transport, device: types.Device): void;
  /** Forgets the producers (their transport is gone); the tracks stay. */
  detach(): void;
  setEnabled(source: LocalSource, enabled: boolean): void;
  /** A host paused this source on the server: follow locally, without telling it. */
  pausedByHost(source: LocalSource): void;
  state(source: LocalSource): SourceState;
  /** The live track of a source (for previews and the device picker). */
  track(source: LocalSource): MediaStreamTrack | undefined;
  /** Another device for a source: the producer keeps going with the new track. */
  replaceTrack(source: LocalSource, next: MediaStreamTrack): Promise<void>;
  /** Stops the tracks for good. */
  release(): void;
}

const SOURCES: readonly LocalSource[] = ['mic', 'camera'];
const KIND = { mic: 'audio', camera: 'video' } as const;

export function createProducerSet(
  signaling: SignalingClient,
  onChange: () => void,
  onError: (error: unknown) => void,
): ProducerSet {
  let tracks: LocalTracks | undefined;
  let transport: types.Transport | undefined;
  let device: types.Device | undefined;
  const wanted: Record<LocalSource, boolean> = { mic: true, camera: true };
  const producers = new Map<LocalSource, types.Producer>();
  const producing = new Set<LocalSource>();

  function track(source: LocalSource): MediaStreamTrack | undefined {
    const t = tracks?.[source];
    return t && t.readyState === 'live' ? t : undefined;
  }

  function notifyServer(type: 'pauseProducer' | 'resumeProducer', producerId: string): void {
    signaling.request(type, { producerId }).catch((error: unknown) => {
      console.warn(type, 'failed', error);
    });
  }

  /** Brings the producer (or, before there is one, the track) to the wanted state. */
  function sync(source: LocalSource): void {
    const producer = producers.get(source);
    if (!producer) {
      const t = track(source);
      if (t) t.enabled = wanted[source];
      return;
    }
    if (wanted[source] && producer.paused) {
      producer.resume();
      notifyServer('resumeProducer', producer.id);
    } else if (!wanted[source] && !producer.paused) {
      producer.pause();
      notifyServer('pauseProducer', producer.id);
    }
  }

  async function produce(source: LocalSource): Promise<void> {
    const t = track(source);
    const on = transport;
    if (!t || !on || !device || producers.has(source) || producing.has(source)) return;
    if (!device.canProduce(KIND[source])) return;
    producing.add(source);
    try {
      // A disabled track makes the producer start paused, as the server is told.
      t.enabled = wanted[source];
      const appData: ProducerAppData = { source, paused: !wanted[source] };
      const producer = await on.produce({
        track: t,
        stopTracks: false,
        appData,
        ...(source === 'camera' ? cameraEncodings(device) : {}),
      });
      if (on !== transport) {
        producer.close();
        return;
      }
      producers.set(source, producer);
      producer.on('transportclose', () => {
        if (producers.get(source) === producer) producers.delete(source);
      });
      sync(source);
    } catch (error) {
      if (on === transport) onError(error);
    } finally {
      if (on === transport) producing.delete(source);
    }
  }

  function produceAll(): void {
    for (const source of SOURCES) void produce(source);
  }

  function onTrackEnded(source: LocalSource): void {
    const producer = producers.get(source);
    producers.delete(source);
    if (producer) {
      producer.close();
      signaling.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    onChange();
  }

  function detach(): void {
    transport = undefined;
    device = undefined;
    producing.clear();
    for (const producer of producers.values()) producer.close();
    producers.clear();
  }

  function watch(source: LocalSource, t: MediaStreamTrack | undefined): void {
    t?.addEventListener('ended', () => {
      if (tracks?.[source] === t) onTrackEnded(source);
    });
  }

  return {
    setTracks(next) {
      tracks = next;
      for (const source of SOURCES) watch(source, next[source]);
      onChange();
      produceAll();
    },
    track,
    async replaceTrack(source, next) {
      const previous = tracks?.[source];
      tracks = { mic: tracks?.mic, camera: tracks?.camera, [source]: next };
      watch(source, next);
      next.enabled = wanted[source];
      const producer = producers.get(source);
      try {
        if (producer) await producer.replaceTrack({ track: next });
        else void produce(source);
      } finally {
        previous?.stop();
        onChange();
      }
    },
    attach(nextTransport, nextDevice) {
      transport = nextTransport;
      device = nextDevice;
      produceAll();
    },
    detach,
    setEnabled(source, enabled) {
      if (!track(source)) return;
      wanted[source] = enabled;
      sync(source);
      onChange();
    },
    pausedByHost(source) {
      wanted[source] = false;
      const producer = producers.get(source);
      if (producer) producer.pause();
      else sync(source);
      onChange();
    },
    state(source) {
      if (!tracks) return 'pending';
      if (!track(source)) return 'unavailable';
      return wanted[source] ? 'on' : 'off';
    },
    release() {
      detach();
      tracks?.mic?.stop();
      tracks?.camera?.stop();
    },
  };
}
