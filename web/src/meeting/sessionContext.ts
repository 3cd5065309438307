// The room session reaches the meeting's components through context, and
// each reads the one store it needs through a small hook (re-rendering only
// when that store changes) instead of a session handed down every level.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { useStore } from '../lib/store.js';
import type { RoomSession } from './room.js';

export const SessionContext = createContext<RoomSession | undefined>(undefined);

/** The session of the meeting (or lobby) this component is part of. */
export function useSession(): RoomSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside a SessionContext provider');
  return session;
}

export const useRoomState = () => useStore(useSession().store);
export const useMediaState = () => useStore(useSession().media.store);
export const useChatState = () => useStore(useSession().chat.store);
export const useReactions = () => useStore(useSession().reactions.store);
export const useToastList = () => useStore(useSession().toasts.store);
/** The loudest speaker, as the server hears it. */
export const useActiveSpeaker = () => useStore(useSession().media.speakers.store).active;
/** Who is talking now, measured in this browser. */
export const useSpeaking = () => useStore(useSession().media.speaking.store);
