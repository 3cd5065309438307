// Local media: the mic and camera tracks and their producers. Muting pauses
// the producer (locally and on the server) and keeps the track, so unmuting
// is instant; what the user wants survives a rebuild of the transports.
// Screen sharing is not produced here (yet): the sources are mic and camera.
import type { types } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/client.js';
import type { LocalTracks } from './localMedia.js';
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
      const producer = await on.produce({ track: t, stopTracks: false, appData });
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

  return {
    setTracks(next) {
      tracks = next;
      for (const source of SOURCES) {
        next[source]?.addEventListener('ended', () => onTrackEnded(source));
      }
      onChange();
      produceAll();
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
