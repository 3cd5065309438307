// Typed server -> client notifications, and broadcast groups. Everything
// addresses sockets through socket.io's adapter, so with the Redis adapter it
// reaches sockets on any signaling node.
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
  /** To every member of a room, except one socket if given. */
  toRoom<T extends NotificationType>(
    room: string,
    type: T,
    payload: NotificationPayload<T>,
    exceptSocketId?: string,
  ): void;
  /** To the room's hosts and co-hosts. */
  toModerators<T extends NotificationType>(
    room: string,
    type: T,
    payload: NotificationPayload<T>,
  ): void;
  /** Adds or removes a socket (on any node) to or from a group. */
  setGroup(socketId: string, group: string, member: boolean): void;
  /** Disconnects a socket (on any node) after its pending notifications. */
  disconnect(socketId: string): void;
}

export const roomGroup = (room: string): string => `room:${room}`;
export const moderatorGroup = (room: string): string => `mods:${room}`;

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
    toModerators(room, type, payload) {
      (io.to(moderatorGroup(room)).emit as unknown as Emit)(type, payload);
    },
    setGroup(socketId, group, member) {
      if (member) io.in(socketId).socketsJoin(group);
      else io.in(socketId).socketsLeave(group);
    },
    disconnect(socketId) {
      // `false`: a disconnect packet queued after pending notifications.
      io.in(socketId).disconnectSockets(false);
    },
  };
}
