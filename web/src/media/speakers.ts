// Who is talking, as the server hears it: the dominant speaker (sticky until
// someone else takes over) and everyone audible right now.
import { createStore, type Store } from '../lib/store.js';
import type { SignalingClient } from '../signaling/client.js';

export interface SpeakerState {
  readonly active: string | undefined;
  readonly speaking: ReadonlySet<string>;
}

export interface Speakers {
  readonly store: Store<SpeakerState>;
  removePeer(peerId: string): void;
  close(): void;
}

const sameMembers = (set: ReadonlySet<string>, ids: readonly string[]): boolean =>
  set.size === ids.length && ids.every((id) => set.has(id));

export function createSpeakers(signaling: SignalingClient): Speakers {
  const store = createStore<SpeakerState>({ active: undefined, speaking: new Set() });
  const unsubscribe = [
    signaling.on('activeSpeaker', ({ peerId }) =>
      store.set((s) => (s.active === peerId ? s : { ...s, active: peerId })),
    ),
    signaling.on('speaking', ({ peerIds }) =>
      store.set((s) =>
        sameMembers(s.speaking, peerIds) ? s : { ...s, speaking: new Set(peerIds) },
      ),
    ),
  ];
  return {
    store,
    removePeer(peerId) {
      store.set((s) => ({
        active: s.active === peerId ? undefined : s.active,
        speaking: new Set([...s.speaking].filter((id) => id !== peerId)),
      }));
    },
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
