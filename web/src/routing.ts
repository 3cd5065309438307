// Which screen the address asks for: / is the start page, /r/<room> a room,
// /bookings the room calendar and /admin the dashboard (both loaded on demand;
// also at /bookings.html and /admin.html while the server serves index.html
// only at / and /r/…).
import { isRoomName } from '../../signaling/protocol/limits.js';

export type Route =
  | { readonly kind: 'home' }
  | { readonly kind: 'room'; readonly room: string }
  | { readonly kind: 'invalidRoom' }
  | { readonly kind: 'bookings' }
  | { readonly kind: 'admin' };

// The same rule as the server's roomNameSchema (signaling/protocol/common.ts),
// checked without zod so the meeting page does not carry it.

export const isValidRoomName = (name: string): boolean => isRoomName(name);

export const roomPath = (room: string): string => `/r/${encodeURIComponent(room)}`;

/** Pages at a fixed path. */
const staticRoutes: Readonly<Record<string, Route>> = {
  '/bookings': { kind: 'bookings' },
  '/bookings.html': { kind: 'bookings' },
  '/admin': { kind: 'admin' },
  '/admin.html': { kind: 'admin' },
};

export function parseRoute(pathname: string): Route {
  const fixed = staticRoutes[pathname.replace(/\/$/, '')];
  if (fixed) return fixed;
  if (!pathname.startsWith('/r/')) return { kind: 'home' };
  let room: string;
  try {
    room = decodeURIComponent(pathname.slice('/r/'.length).replace(/\/$/, ''));
  } catch {
    return { kind: 'invalidRoom' };
  }
  return isValidRoomName(room) ? { kind: 'room', room } : { kind: 'invalidRoom' };
}
