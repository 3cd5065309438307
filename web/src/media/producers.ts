// Local media: the mic and camera tracks and their producers. Muting pauses
// the producer (locally and on the server). The microphone keeps its track,
// so unmuting is instant; the camera's track is stopped so its light goes
// out, and turning it on asks the same device again and swaps the new track
// into the paused producer. What the user wants survives a rebuild of the
// transports.
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
  /** Something is produced (or being produced) on the transport. */
  busy(): boolean;
  /** The live track of a source (for previews and the device picker). */
  track(source: LocalSource): MediaStreamTrack | undefined;
  /** The device a source uses (or will use when it is turned on again). */
  deviceId(source: LocalSource): string | undefined;
  /** Another device for a source: the producer keeps going with the new track. */
  switchDevice(source: LocalSource, deviceId: string): Promise<void>;
  /** Stops the tracks for good. */
  release(): void;
}

/** Asks the browser for one source's track (a given device, or the default); throws when refused. */
export type AcquireTrack = (source: LocalSource, deviceId?: string) => Promise<MediaStreamTrack>;

const SOURCES: readonly LocalSource[] = ['mic', 'camera'];
const KIND = { mic: 'audio', camera: 'video' } as const;
/** Sources whose device is let go while off (the camera light goes out). */
const RELEASED_WHILE_OFF: ReadonlySet<LocalSource> = new Set(['camera']);

export function createProducerSet(
  signaling: SignalingClient,
  acquire: AcquireTrack,
  onChange: () => void,
  onError: (error: unknown) => void,
): ProducerSet {
  let tracks: LocalTracks | undefined;
  /** Sources we stopped on purpose while off; their device is remembered here. */
  const released = new Map<LocalSource, string | undefined>();
  /** Bumped by every on/off of a source: a device answer that came too late is dropped. */
  const turns: Record<LocalSource, number> = { mic: 0, camera: 0 };
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

  /** Off: stops the device's track, keeping its id for when it is turned on again. */
  function release(source: LocalSource): void {
    const t = track(source);
    if (!RELEASED_WHILE_OFF.has(source) || !t || !tracks) return;
    released.set(source, t.getSettings().deviceId);
    tracks = { ...tracks, [source]: undefined };
    t.stop();
  }

  /** Puts a new track in place: into the producer if there is one, else produces with it. */
  async function install(source: LocalSource, next: MediaStreamTrack): Promise<void> {
    const previous = tracks?.[source];
    tracks = { mic: tracks?.mic, camera: tracks?.camera, [source]: next };
    released.delete(source);
    watch(source, next);
    next.enabled = wanted[source];
    const producer = producers.get(source);
    try {
      if (producer) {
        await producer.replaceTrack({ track: next });
        sync(source);
      } else void produce(source);
    } finally {
      if (previous !== next) previous?.stop();
      onChange();
    }
  }

  /** On again after a release: asks for the remembered device. */
  async function reacquire(source: LocalSource): Promise<void> {
    const turn = turns[source];
    try {
      const next = await acquire(source, released.get(source));
      if (turn !== turns[source] || !wanted[source] || !released.has(source)) {
        next.stop();
        return;
      }
      await install(source, next);
    } catch (error) {
      if (turn !== turns[source]) return;
      // Refused, or the new track would not go in: off again, device let go.
      wanted[source] = false;
      sync(source);
      release(source);
      onChange();
      onError(error);
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
      if (!next.camera && next.cameraOff) {
        wanted.camera = false;
        released.set('camera', next.cameraOff.deviceId);
      }
      for (const source of SOURCES) watch(source, next[source]);
      onChange();
      produceAll();
    },
    track,
    deviceId(source) {
      return released.has(source) ? released.get(source) : track(source)?.getSettings().deviceId;
    },
    async switchDevice(source, deviceId) {
      if (released.has(source)) {
        // Off: nothing to open now; the device is used when it is turned on.
        released.set(source, deviceId);
        onChange();
        return;
      }
      const turn = turns[source];
      const next = await acquire(source, deviceId);
      // Turned off meanwhile: remember the choice, keep the light off.
      if (turn !== turns[source] && released.has(source)) {
        next.stop();
        released.set(source, deviceId);
        onChange();
        return;
      }
      await install(source, next);
    },
    attach(nextTransport, nextDevice) {
      transport = nextTransport;
      device = nextDevice;
      produceAll();
    },
    detach,
    setEnabled(source, enabled) {
      if (!track(source) && !released.has(source)) return;
      const changed = wanted[source] !== enabled;
      wanted[source] = enabled;
      if (changed) turns[source] += 1;
      sync(source);
      if (!enabled) release(source);
      else if (changed && released.has(source)) void reacquire(source);
      onChange();
    },
    pausedByHost(source) {
      wanted[source] = false;
      turns[source] += 1;
      const producer = producers.get(source);
      if (producer) producer.pause();
      else sync(source);
      release(source);
      onChange();
    },
    busy: () => producers.size + producing.size > 0,
    state(source) {
      if (!tracks) return 'pending';
      // Released and asked for again: on as soon as the device answers.
      if (!track(source) && !released.has(source)) return 'unavailable';
      return wanted[source] ? 'on' : 'off';
    },
    release() {
      turns.mic += 1;
      turns.camera += 1;
      released.clear();
      detach();
      tracks?.mic?.stop();
      tracks?.camera?.stop();
    },
  };
}
