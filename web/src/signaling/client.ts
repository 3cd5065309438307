// Typed requests and notifications over the signaling socket.io connection.
// A request resolves with the reply's data or rejects with a SignalingError
// carrying the server's error code (or TIMEOUT).
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorCode,
  NotificationPayload,
  NotificationType,
  Reply,
  RequestPayload,
  RequestType,
  ResponseData,
  ServerToClientEvents,
} from '../../../signaling/protocol/index.js';

export const REQUEST_TIMEOUT_MS = 10_000;

export type SignalingErrorCode = ErrorCode | 'TIMEOUT';

export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    readonly request?: RequestType,
  ) {
    super(message);
  }
}

export type ConnectionEvent =
  { type: 'connect' } | { type: 'disconnect'; reason: string; willReconnect: boolean };

export interface SignalingClient {
  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    timeoutMs?: number,
  ): Promise<ResponseData<T>>;
  on<N extends NotificationType>(
    type: N,
    handler: (payload: NotificationPayload<N>) => void,
  ): () => void;
  onConnection(handler: (event: ConnectionEvent) => void): () => void;
  readonly connected: boolean;
  /** Closes the connection for good; pending requests fail with TIMEOUT. */
  close(): void;
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to the signaling server of this page's origin (websocket only). */
export function connectSignaling(): SignalingClient {
  const socket: TypedSocket = io({ transports: ['websocket'] });
  return createSignalingClient(socket);
}

export function createSignalingClient(socket: TypedSocket): SignalingClient {
  // The generic request below cannot be checked against the event map per
  // type; its signature is, so the untyped view stays inside this function.
  const untyped = socket as unknown as Socket;

  return {
    async request(type, payload, timeoutMs = REQUEST_TIMEOUT_MS) {
      let reply: Reply<ResponseData<typeof type>>;
      try {
        reply = (await untyped.timeout(timeoutMs).emitWithAck(type, payload)) as typeof reply;
      } catch {
        throw new SignalingError('TIMEOUT', `${type}: no reply within ${timeoutMs} ms`, type);
      }
      if (!reply.ok) throw new SignalingError(reply.error.code, reply.error.message, type);
      return reply.data;
    },
    on(type, handler) {
      const event: string = type;
      const listener = handler as (payload: unknown) => void;
      untyped.on(event, listener);
      return () => void untyped.off(event, listener);
    },
    onConnection(handler) {
      const onConnect = () => handler({ type: 'connect' });
      const onDisconnect = (reason: Socket.DisconnectReason) =>
        handler({
          type: 'disconnect',
          reason,
          // socket.io reconnects by itself except after these two.
          willReconnect: reason !== 'io client disconnect' && reason !== 'io server disconnect',
        });
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      return () => {
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
      };
    },
    get connected() {
      return socket.connected;
    },
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
