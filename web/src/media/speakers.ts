// The dominant speaker, as the server hears it (sticky until someone else
// takes over): it picks the large tile of the speaker view. Who is audible
// right now is measured in the browser (speakingMeter.ts).
import { createStore, type Store } from '../lib/store.js';
import type { SignalingClient } from '../signaling/client.js';

export interface SpeakerState {
  readonly active: string | undefined;
}

export interface Speakers {
  readonly store: Store<SpeakerState>;
  /** Taken before a join request goes out; hand it to seed() with the reply. */
  mark(): number;
  /**
   * Starts from the active speaker a join reply named (undefined: nobody yet),
   * unless an activeSpeaker notification came after `mark`: that one is newer
   * (we are in the room before the reply reaches us).
   */
  seed(peerId: string | undefined, mark: number): void;
  removePeer(peerId: string): void;
  close(): void;
}

export function createSpeakers(signaling: SignalingClient): Speakers {
  const store = createStore<SpeakerState>({ active: undefined });
  /** activeSpeaker notifications so far. */
  let heard = 0;
  const unsubscribe = [
    signaling.on('activeSpeaker', ({ peerId }) => {
      heard += 1;
      store.set((s) => (s.active === peerId ? s : { active: peerId }));
    }),
  ];
  return {
    store,
    mark: () => heard,
    seed(peerId, mark) {
      if (heard !== mark) return;
      store.set((s) => (s.active === peerId ? s : { active: peerId }));
    },
    removePeer(peerId) {
      store.set((s) => (s.active === peerId ? { active: undefined } : s));
    },
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
