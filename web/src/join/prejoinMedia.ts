// The devices on the join screen: asks for camera and microphone as soon as
// the screen shows (so the preview, the level meter and the device lists are
// there before joining), remembers which devices and which of them start
// off, and hands the live tracks to the meeting on join. The tracks are the
// meeting's from then on; a later join (after leaving) asks the devices again.
// Turning the camera off before joining stops its track (the camera light
// goes out) and turning it on asks for it again; joining with the camera off
// hands the meeting no camera track but the device to ask for when its own
// toggle turns the camera on.
import { createStore, type Store } from '../lib/store.js';
import type { LocalTracks } from '../media/localMedia.js';

export type Source = 'mic' | 'camera';

/** Why a source is missing: refused by the user or the browser, or no such device. */
export type DeviceProblem = 'denied' | 'missing' | 'unsupported';

export interface PrejoinState {
  readonly status: 'idle' | 'checking' | 'ready';
  readonly tracks: LocalTracks;
  readonly problem: Partial<Record<Source, DeviceProblem>>;
  readonly mics: readonly MediaDeviceInfo[];
  readonly cameras: readonly MediaDeviceInfo[];
  /** Audio outputs (listed once the microphone is allowed). */
  readonly speakers: readonly MediaDeviceInfo[];
  readonly micId: string | undefined;
  readonly cameraId: string | undefined;
  /** What the user wants to start with (the toggles). */
  readonly enabled: Readonly<Record<Source, boolean>>;
}

export interface PrejoinMedia {
  readonly store: Store<PrejoinState>;
  /** Asks the devices (once; again after the tracks were handed over and ended). */
  start(): Promise<void>;
  select(source: Source, deviceId: string): Promise<void>;
  setEnabled(source: Source, enabled: boolean): void;
  /** The live tracks for the meeting, asked again if they ended. The meeting owns them then. */
  take(): Promise<LocalTracks>;
  /** Stops tracks the meeting did not take. */
  close(): void;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };
const KIND = { mic: 'audio', camera: 'video' } as const;

const noTracks: LocalTracks = { mic: undefined, camera: undefined };

export const initialPrejoinState: PrejoinState = {
  status: 'idle',
  tracks: noTracks,
  problem: {},
  mics: [],
  cameras: [],
  speakers: [],
  micId: undefined,
  cameraId: undefined,
  enabled: { mic: true, camera: true },
};

const live = (track: MediaStreamTrack | undefined) =>
  track && track.readyState === 'live' ? track : undefined;

function problemOf(error: unknown): DeviceProblem {
  const name = error instanceof DOMException ? error.name : '';
  return name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'missing';
}

type Attempt = { stream: MediaStream } | { problem: DeviceProblem };

async function ask(constraints: MediaStreamConstraints): Promise<Attempt> {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(constraints) };
  } catch (error) {
    return { problem: problemOf(error) };
  }
}

export function createPrejoinMedia(): PrejoinMedia {
  const store = createStore<PrejoinState>(initialPrejoinState);
  const patch = (p: Partial<PrejoinState>) => store.set((s) => ({ ...s, ...p }));
  let pending: Promise<void> | undefined;
  /** A camera asked again after the user turned it back on. */
  let cameraPending: Promise<void> | undefined;
  /** Tracks handed to a meeting: not ours to stop any more. */
  const handedOver = new Set<MediaStreamTrack>();
  let closed = false;

  const constraint = (
    source: Source,
    deviceId: string | undefined,
  ): MediaTrackConstraints | true => {
    const base = source === 'camera' ? VIDEO : {};
    return deviceId
      ? { ...base, deviceId: { exact: deviceId } }
      : source === 'camera'
        ? VIDEO
        : true;
  };

  function adopt(source: Source, track: MediaStreamTrack | undefined): void {
    if (closed) {
      track?.stop();
      return;
    }
    const { tracks, enabled } = store.get();
    const old = tracks[source];
    if (old && old !== track && !handedOver.has(old)) old.stop();
    if (track) track.enabled = enabled[source];
    const id = track?.getSettings().deviceId;
    patch({
      tracks: { ...store.get().tracks, [source]: track },
      ...(source === 'mic' ? { micId: id } : { cameraId: id }),
    });
  }

  async function listDevices(): Promise<void> {
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      patch({
        mics: devices.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
        cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
        speakers: devices.filter((d) => d.kind === 'audiooutput' && d.deviceId !== ''),
      });
    } catch (error) {
      console.warn('enumerateDevices failed', error);
    }
  }

  async function acquire(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      patch({ status: 'ready', problem: { mic: 'unsupported', camera: 'unsupported' } });
      return;
    }
    patch({ status: 'checking' });
    const { micId, cameraId } = store.get();
    const both = await ask({
      audio: constraint('mic', micId),
      video: constraint('camera', cameraId),
    });
    const problem: Partial<Record<Source, DeviceProblem>> = {};
    if ('stream' in both) {
      adopt('mic', both.stream.getAudioTracks()[0]);
      adopt('camera', both.stream.getVideoTracks()[0]);
    } else {
      // One broken or refused device must not silence the other.
      for (const source of ['mic', 'camera'] as const) {
        const alone = await ask({ [KIND[source]]: constraint(source, undefined) });
        if ('stream' in alone) adopt(source, alone.stream.getTracks()[0]);
        else problem[source] = alone.problem;
      }
    }
    patch({ status: 'ready', problem });
    await listDevices();
  }

  /** Stops our camera track (not one handed over): off by choice, light off. */
  function releaseCamera(): void {
    const track = store.get().tracks.camera;
    if (!track || handedOver.has(track)) return;
    track.stop();
    patch({ tracks: { ...store.get().tracks, camera: undefined } });
  }

  /** Asks for the camera again (the chosen device); `enabled` as the toggle says then. */
  function acquireCamera(): Promise<void> {
    if (cameraPending) return cameraPending;
    cameraPending = (async () => {
      const result = await ask({ video: constraint('camera', store.get().cameraId) });
      if ('stream' in result) {
        adopt('camera', result.stream.getVideoTracks()[0]);
        patch({ problem: { ...store.get().problem, camera: undefined } });
      } else {
        patch({ problem: { ...store.get().problem, camera: result.problem } });
      }
    })().finally(() => (cameraPending = undefined));
    return cameraPending;
  }

  function start(): Promise<void> {
    const { tracks } = store.get();
    if (pending) return pending;
    if (live(tracks.mic) || live(tracks.camera)) return Promise.resolve();
    pending = acquire().finally(() => (pending = undefined));
    return pending;
  }

  return {
    store,
    start,
    async select(source, deviceId) {
      await pending;
      if (source === 'camera' && !store.get().enabled.camera) {
        // Off by choice: remember the device, light it only when turned on.
        patch({ cameraId: deviceId });
        return;
      }
      const result = await ask({ [KIND[source]]: constraint(source, deviceId) });
      if ('stream' in result) {
        adopt(source, result.stream.getTracks()[0]);
        patch({ problem: { ...store.get().problem, [source]: undefined } });
      } else {
        patch({ problem: { ...store.get().problem, [source]: result.problem } });
      }
    },
    setEnabled(source, enabled) {
      const { tracks } = store.get();
      const track = tracks[source];
      if (track && !handedOver.has(track)) track.enabled = enabled;
      patch({ enabled: { ...store.get().enabled, [source]: enabled } });
      if (source !== 'camera' || closed) return;
      if (!enabled) {
        releaseCamera();
        // A camera still being asked for is stopped when it arrives (adopt → off).
        void cameraPending?.then(() => {
          if (!store.get().enabled.camera) releaseCamera();
        });
      } else if (!live(store.get().tracks.camera) && store.get().status === 'ready') {
        void acquireCamera();
      }
    },
    async take() {
      const before = store.get().tracks;
      if (!live(before.mic) && !live(before.camera)) await start();
      else await pending;
      await cameraPending;
      const { problem, cameraId, tracks } = store.get();
      const camera = live(tracks.camera);
      const taken: LocalTracks = {
        mic: live(tracks.mic),
        camera,
        // Off by choice: the meeting opens it only when turned on there.
        ...(!camera && !problem.camera ? { cameraOff: { deviceId: cameraId } } : {}),
      };
      for (const track of [taken.mic, taken.camera]) if (track) handedOver.add(track);
      return taken;
    },
    close() {
      closed = true;
      const { tracks } = store.get();
      for (const track of [tracks.mic, tracks.camera]) {
        if (track && !handedOver.has(track)) track.stop();
      }
    },
  };
}
