// Which screen the address asks for: / is the start page, /r/<room> a room.
import { roomNameSchema } from '../../signaling/protocol/index.js';

export type Route =
  | { readonly kind: 'home' }
  | { readonly kind: 'room'; readonly room: string }
  | { readonly kind: 'invalidRoom' };

export const isValidRoomName = (name: string): boolean => roomNameSchema.safeParse(name).success;

export const roomPath = (room: string): string => `/r/${encodeURIComponent(room)}`;

export function parseRoute(pathname: string): Route {
  if (!pathname.startsWith('/r/')) return { kind: 'home' };
  let room: string;
  try {
    room = decodeURIComponent(pathname.slice('/r/'.length).replace(/\/$/, ''));
  } catch {
    return { kind: 'invalidRoom' };
  }
  return isValidRoomName(room) ? { kind: 'room', room } : { kind: 'invalidRoom' };
}
