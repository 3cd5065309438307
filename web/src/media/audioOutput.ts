// Where the meeting's sound plays: the system default or a device the user
// picked (headset, speakers), remembered in this browser. Every remote
// <audio> element and the join screen's speaker test follow the choice;
// browsers without setSinkId (Firefox before 116, Safari) keep the default
// and show no picker.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { browserStorage } from '../lib/browserStorage.js';
import { createStore, useStore, type Store } from '../lib/store.js';

/** localStorage key: the chosen audio output device id. */
export const SPEAKER_KEY = 'veche.speaker';

export interface AudioOutput {
  /** The chosen device id; undefined for the system default. */
  readonly store: Store<string | undefined>;
  readonly supported: boolean;
  select(deviceId: string): void;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export function createAudioOutput(
  storage: Storage | undefined = browserStorage(),
  supported: boolean = typeof HTMLMediaElement !== 'undefined' &&
    'setSinkId' in HTMLMediaElement.prototype,
): AudioOutput {
  let saved: string | undefined;
  try {
    saved = storage?.getItem(SPEAKER_KEY) || undefined;
  } catch {
    saved = undefined;
  }
  const store = createStore<string | undefined>(supported ? saved : undefined);
  return {
    store,
    supported,
    select(deviceId) {
      if (!supported) return;
      store.set(deviceId || undefined);
      try {
        storage?.setItem(SPEAKER_KEY, deviceId);
      } catch {
        // Storage off: the choice lasts for this page only.
      }
    },
  };
}

/**
 * The device a picker shows as chosen: the choice when it is still there,
 * otherwise the system default ("default" in Chromium's list) or the first.
 */
export function shownSpeaker(
  devices: readonly Pick<MediaDeviceInfo, 'deviceId'>[],
  chosen: string | undefined,
): string | undefined {
  const has = (id: string | undefined) => devices.some((d) => d.deviceId === id);
  if (has(chosen)) return chosen;
  return has('default') ? 'default' : devices[0]?.deviceId;
}

interface SinkTarget {
  readonly sinkId: string;
  setSinkId(deviceId: string): Promise<void>;
}

const hasSink = (target: object): target is SinkTarget => 'setSinkId' in target;

/**
 * Sends `target`'s sound to `deviceId` (the default when undefined). A device
 * that went away (headset unplugged) falls back to the default.
 */
export async function applySink(target: object, deviceId: string | undefined): Promise<void> {
  if (!hasSink(target)) return;
  const wanted = deviceId ?? '';
  if (target.sinkId === wanted) return;
  try {
    await target.setSinkId(wanted);
  } catch (error) {
    console.warn('audio output unavailable, using the default', error);
    if (wanted !== '') await target.setSinkId('').catch(() => undefined);
  }
}

export const AudioOutputContext = createContext<AudioOutput | undefined>(undefined);

/** The audio output of this page (undefined outside a provider: the default device). */
export const useAudioOutput = () => useContext(AudioOutputContext);

const none = createStore<string | undefined>(undefined);
/** The chosen output device id (undefined: the system default). */
export const useSpeakerDevice = () => useStore(useAudioOutput()?.store ?? none);
