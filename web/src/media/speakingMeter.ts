// Who is talking right now, measured in this browser from the WebRTC stats
// of our two transports (see levels.ts): each remote microphone we receive
// and our own. It reacts within a reading interval, unlike a server average,
// and costs two getStats calls per interval whatever the room size.
import { createStore, type Store } from '../lib/store.js';
import {
  audioEnergies,
  levelBetween,
  nextActivity,
  quiet,
  type Activity,
  type EnergySample,
} from './levels.js';

export interface SpeakingState {
  /** Remote participants talking now, by peer id. */
  readonly peers: ReadonlySet<string>;
  /** We are talking (and our microphone is on). */
  readonly self: boolean;
}

export interface SpeakingMeter {
  readonly store: Store<SpeakingState>;
  close(): void;
}

export interface SpeakingMeterOptions {
  /** Stats reports of the current transports (none while there are none). */
  stats(): Promise<readonly RTCStatsReport[]>;
  /** Which peer each received microphone track belongs to, by track id. */
  remoteOwners(): ReadonlyMap<string, string>;
  /** Our microphone's track id while it is on. */
  ownMic(): string | undefined;
}

/** How often the stats are read. */
const INTERVAL_MS = 250;

const SELF = Symbol('self');
type Key = string | typeof SELF;

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((id) => b.has(id));

export function createSpeakingMeter(options: SpeakingMeterOptions): SpeakingMeter {
  const store = createStore<SpeakingState>({ peers: new Set(), self: false });
  let samples = new Map<string, EnergySample>();
  let activity = new Map<Key, Activity>();
  let reading = false;

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      const reports = await options.stats();
      const current = new Map<string, EnergySample>();
      for (const report of reports) for (const [id, s] of audioEnergies(report)) current.set(id, s);
      const owners = new Map<string, Key>(options.remoteOwners());
      const mic = options.ownMic();
      if (mic) owners.set(mic, SELF);
      const at = performance.now();
      const next = new Map<Key, Activity>();
      for (const [trackId, owner] of owners) {
        const sample = current.get(trackId);
        const before = samples.get(trackId);
        const level = sample && before ? levelBetween(before, sample) : undefined;
        next.set(owner, nextActivity(activity.get(owner) ?? quiet, level, at));
      }
      samples = current;
      activity = next;
      publish();
    } catch (error) {
      // A transport closing mid-read: the next reading starts over.
      console.debug('reading audio levels failed', error);
    } finally {
      reading = false;
    }
  }

  function publish(): void {
    const peers = new Set<string>();
    for (const [key, a] of activity) if (a.speaking && typeof key === 'string') peers.add(key);
    const self = activity.get(SELF)?.speaking ?? false;
    const state = store.get();
    if (state.self !== self || !sameSet(state.peers, peers)) store.set({ peers, self });
  }

  const timer = setInterval(() => void read(), INTERVAL_MS);
  return {
    store,
    close() {
      clearInterval(timer);
      activity = new Map();
      publish();
    },
  };
}
