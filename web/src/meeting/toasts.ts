// Short-lived messages over the meeting: someone muted us, asks us to unmute,
// our role changed, an action failed. Most go away by themselves; a request
// to unmute stays until answered.
import type { MediaSource, MeetingRoleName } from '../../../signaling/protocol/index.js';
import { createStore, type Store } from '../lib/store.js';
import type { SignalingError } from '../signaling/client.js';

export type Toast =
  | { readonly kind: 'mutedByHost'; readonly source: MediaSource; readonly byName: string }
  | { readonly kind: 'unmuteRequested'; readonly byName: string }
  | { readonly kind: 'roleChanged'; readonly role: MeetingRoleName }
  | { readonly kind: 'chatDisabled' | 'chatEnabled' }
  /** We keep talking with our microphone off. */
  | { readonly kind: 'talkingWhileMuted' }
  | { readonly kind: 'mutedAll'; readonly count: number }
  /** To hosts and co-hosts: someone started waiting in the lobby. */
  | { readonly kind: 'lobbyArrived'; readonly peerId: string; readonly name: string }
  | { readonly kind: 'actionFailed'; readonly error: SignalingError };

export interface ToastEntry {
  readonly id: number;
  readonly toast: Toast;
}

export interface Toasts {
  readonly store: Store<readonly ToastEntry[]>;
  show(toast: Toast): void;
  dismiss(id: number): void;
  /** Dismisses every toast of this kind (e.g. the unmute request once unmuted). */
  dismissKind(kind: Toast['kind']): void;
  /** Dismisses the toasts for which `test` holds. */
  dismissWhere(test: (toast: Toast) => boolean): void;
  close(): void;
}

const LIFETIME_MS = 6000;
const MAX_TOASTS = 4;

export function createToasts(): Toasts {
  const store = createStore<readonly ToastEntry[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;

  function dismiss(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    store.set((list) => list.filter((entry) => entry.id !== id));
  }

  function dismissWhere(test: (toast: Toast) => boolean): void {
    for (const entry of store.get()) if (test(entry.toast)) dismiss(entry.id);
  }
  const dismissKind = (kind: Toast['kind']) => dismissWhere((toast) => toast.kind === kind);

  return {
    store,
    show(toast) {
      const id = nextId++;
      // One request to unmute at a time: the newest replaces the older.
      if (toast.kind === 'unmuteRequested' || toast.kind === 'talkingWhileMuted') {
        dismissKind(toast.kind);
      }
      store.set((list) => [...list, { id, toast }].slice(-MAX_TOASTS));
      if (toast.kind !== 'unmuteRequested') {
        timers.set(
          id,
          setTimeout(() => dismiss(id), LIFETIME_MS),
        );
      }
    },
    dismiss,
    dismissKind,
    dismissWhere,
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      store.set([]);
    },
  };
}
