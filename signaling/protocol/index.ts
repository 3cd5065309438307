// The client <-> signaling protocol: one zod schema per message, the types
// inferred from them. Imports nothing else of ours but the SFU's RTP schemas
// (sfu/api/rtp.ts, plain zod); web/ imports it too.
// Requests are socket.io events named by type with one payload and an ack
// that receives a Reply. Notifications are events named by type.
import type { Reply } from './errors.js';
import type { NotificationPayload, NotificationType } from './notifications.js';
import type { RequestPayload, RequestType, ResponseData } from './requests.js';

export * from './common.js';
export * from './limits.js';
export * from './errors.js';
export * from './notifications.js';
export * from './requests.js';
export * from './requestInfo.js';
export type { MeetingRole } from './roles.js';

/** What the socket.io handshake `auth` object may carry. Never a URL query. */
export interface HandshakeAuth {
  /** A staff JWT from the workspace. */
  token?: string;
  /** A guest invite token (from the invite link's fragment). */
  invite?: string;
}

// socket.io typed event maps.
export type Ack<T extends RequestType> = (reply: Reply<ResponseData<T>>) => void;
export type ClientToServerEvents = {
  [T in RequestType]: (payload: RequestPayload<T>, ack: Ack<T>) => void;
};
export type ServerToClientEvents = {
  [T in NotificationType]: (payload: NotificationPayload<T>) => void;
};
