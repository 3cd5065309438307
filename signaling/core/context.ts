// What a request handler gets: the caller's session and the services.
import type { SfuApi } from '../../sfu/api/index.js';
import type { Logger } from './logger.js';
import type { RoomRegistry, PeerState } from '../rooms/registry.js';
import type { Notifier } from '../socket/notifier.js';

export interface Session {
  readonly socketId: string;
  /** Set once the connection has joined a room. */
  peer: PeerState | undefined;
  log: Logger;
}

export interface Services {
  readonly sfu: SfuApi;
  readonly rooms: RoomRegistry;
  readonly notify: Notifier;
  readonly log: Logger;
}

export interface HandlerContext {
  readonly session: Session;
  readonly services: Services;
  /** Joins the connection to a broadcast group (socket.io room). */
  joinGroup(group: string): void;
  leaveGroup(group: string): void;
}
