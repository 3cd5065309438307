// Reactions as they arrive: each shows over its sender's tile for a few
// seconds; a newer one from the same person replaces the older.
import type { Reaction } from '../../../signaling/protocol/index.js';
import { createStore, type Store } from '../lib/store.js';

export const EMOJI: Readonly<Record<Reaction, string>> = {
  thumbsUp: '👍',
  clap: '👏',
  laugh: '😂',
  heart: '❤️',
  surprised: '😮',
  thinking: '🤔',
};

const SHOWN_MS = 4000;

export interface ShownReaction {
  readonly id: number;
  readonly reaction: Reaction;
}

export interface ReactionFeed {
  /** peerId -> the reaction shown for them now. */
  readonly store: Store<ReadonlyMap<string, ShownReaction>>;
  show(peerId: string, reaction: Reaction): void;
  close(): void;
}

export function createReactionFeed(): ReactionFeed {
  const store = createStore<ReadonlyMap<string, ShownReaction>>(new Map());
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let nextId = 1;
  return {
    store,
    show(peerId, reaction) {
      const id = nextId++;
      store.set((shown) => new Map(shown).set(peerId, { id, reaction }));
      const timer = setTimeout(() => {
        timers.delete(timer);
        store.set((shown) => {
          if (shown.get(peerId)?.id !== id) return shown;
          const next = new Map(shown);
          next.delete(peerId);
          return next;
        });
      }, SHOWN_MS);
      timers.add(timer);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      store.set(new Map());
    },
  };
}
