// The meeting's chat: history from the join reply, live messages, what we
// sent, and how many arrived while the panel was closed. Messages are kept
// in order of sending, each once (a live one can also be in the history).
import type { ChatMessageInfo } from '../../../signaling/protocol/index.js';
import { createStore, type Store } from '../lib/store.js';
import type { SignalingClient } from '../signaling/client.js';

export interface ChatState {
  readonly messages: readonly ChatMessageInfo[];
  /** Received while the panel was closed. */
  readonly unread: number;
  readonly open: boolean;
}

export interface Chat {
  readonly store: Store<ChatState>;
  /** The join reply's history (again after a rejoin): merged, not counted as unread. */
  setHistory(messages: readonly ChatMessageInfo[]): void;
  /** Resolves once the server took it; rejects with its SignalingError. */
  send(text: string, toPeerId: string | undefined): Promise<void>;
  setOpen(open: boolean): void;
  close(): void;
}

/** At most this many are kept; older ones scroll away. */
const KEEP = 500;

function merge(
  known: readonly ChatMessageInfo[],
  added: readonly ChatMessageInfo[],
): ChatMessageInfo[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const message of added) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt).slice(-KEEP);
}

export function createChat(signaling: SignalingClient): Chat {
  const store = createStore<ChatState>({ messages: [], unread: 0, open: false });

  const off = signaling.on('chatMessage', ({ message }) => {
    store.set((s) => {
      if (s.messages.some((m) => m.id === message.id)) return s;
      return {
        ...s,
        messages: merge(s.messages, [message]),
        unread: s.open ? 0 : s.unread + 1,
      };
    });
  });

  return {
    store,
    setHistory(history) {
      store.set((s) => ({ ...s, messages: merge(s.messages, history) }));
    },
    async send(text, toPeerId) {
      const { message } = await signaling.request('sendChat', {
        text,
        ...(toPeerId !== undefined ? { toPeerId } : {}),
      });
      store.set((s) => ({ ...s, messages: merge(s.messages, [message]) }));
    },
    setOpen(open) {
      store.set((s) =>
        s.open === open && (!open || s.unread === 0)
          ? s
          : { ...s, open, unread: open ? 0 : s.unread },
      );
    },
    close: off,
  };
}
