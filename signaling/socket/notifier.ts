// Typed server -> client notifications.
import type { Server } from 'socket.io';
import type {
  ClientToServerEvents,
  NotificationPayload,
  NotificationType,
  ServerToClientEvents,
} from '../protocol/index.js';

export interface Notifier {
  toSocket<T extends NotificationType>(
    socketId: string,
    type: T,
    payload: NotificationPayload<T>,
  ): void;
  /** To everyone in a room's group, except one socket if given. */
  toRoom<T extends NotificationType>(
    room: string,
    type: T,
    payload: NotificationPayload<T>,
    exceptSocketId?: string,
  ): void;
}

export const roomGroup = (room: string): string => `room:${room}`;

export function createNotifier(io: Server<ClientToServerEvents, ServerToClientEvents>): Notifier {
  // socket.io's typed emit cannot relate a generic T to its event map, so the
  // typing is enforced by this module's signature instead.
  type Emit = (type: string, payload: unknown) => void;
  return {
    toSocket(socketId, type, payload) {
      (io.to(socketId).emit as unknown as Emit)(type, payload);
    },
    toRoom(room, type, payload, exceptSocketId) {
      const target = exceptSocketId
        ? io.to(roomGroup(room)).except(exceptSocketId)
        : io.to(roomGroup(room));
      (target.emit as unknown as Emit)(type, payload);
    },
  };
}
