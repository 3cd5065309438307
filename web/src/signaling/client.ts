// Typed requests and notifications over the signaling socket.io connection.
// A request resolves with the reply's data or rejects with a SignalingError
// carrying the server's error code (or TIMEOUT). Credentials travel in the
// handshake `auth` object, read afresh at every (re)connection. A signaling
// node that shuts down moves us to another one: we reconnect through the
// same address as after a network drop, and the room resumes its place.
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorCode,
  HandshakeAuth,
  NotificationPayload,
  NotificationType,
  Reply,
  RequestPayload,
  RequestType,
  ResponseData,
  ServerToClientEvents,
} from '../../../signaling/protocol/index.js';
import { isErrorCode } from '../../../signaling/protocol/limits.js';

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
  | { type: 'connect' }
  | { type: 'disconnect'; reason: string; willReconnect: boolean }
  /**
   * The server refused the connection (bad credentials, rate limit): no
   * retry. A node that is shutting down is not a refusal: we try again.
   */
  | { type: 'refused'; error: SignalingError };

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
  /** Closes the connection for good; pending requests fail with TIMEOUT at once. */
  close(): void;
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects to the signaling server of this page's origin (websocket only).
 * `auth` is asked at every connection attempt, so a token renewed by the
 * embedding workspace is used on the next reconnect.
 */
export function connectSignaling(auth: () => HandshakeAuth = () => ({})): SignalingClient {
  const socket: TypedSocket = io({
    transports: ['websocket'],
    auth: (callback) => callback(auth()),
  });
  return createSignalingClient(socket);
}

/**
 * Before trying a draining node's address again: its balancer may not have
 * noticed yet. Short, growing, and spread so that a node's clients do not
 * all arrive at once.
 */
export function drainRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/** socket.io's connect_error: middleware refusals carry `data.code`. */
function refusalOf(error: Error & { data?: unknown }): SignalingError {
  const data = error.data as { code?: unknown } | undefined;
  return new SignalingError(isErrorCode(data?.code) ? data.code : 'INTERNAL', error.message);
}

export function createSignalingClient(socket: TypedSocket): SignalingClient {
  // The generic request below cannot be checked against the event map per
  // type; its signature is, so the untyped view stays inside this function.
  const untyped = socket as unknown as Socket;
  /** Rejecters of requests in flight: a refusal or close() fails them at once. */
  const pending = new Set<(error: SignalingError) => void>();
  const connectionHandlers = new Set<(event: ConnectionEvent) => void>();
  const failPending = (error: SignalingError) => {
    for (const reject of [...pending]) reject(error);
  };

  let drainRetries = 0;
  let drainRetry: ReturnType<typeof setTimeout> | undefined;

  // The node is shutting down: the connection breaks as on a network drop
  // (never a goodbye, which would mean leaving the room) and socket.io
  // reconnects through the same address, which leads to another node.
  socket.on('serverDraining', () => socket.io.engine.close());
  socket.on('connect', () => {
    drainRetries = 0;
  });

  socket.on('connect_error', (error) => {
    // While active, socket.io retries by itself (server unreachable); a
    // refusal by the server's middleware is final, unless the node refused
    // us only because it is shutting down.
    if (socket.active) return;
    const refusal = refusalOf(error);
    if (refusal.code === 'SERVER_DRAINING') {
      drainRetries += 1;
      drainRetry = setTimeout(() => void socket.connect(), drainRetryDelayMs(drainRetries));
      return;
    }
    failPending(refusal);
    for (const handler of [...connectionHandlers]) handler({ type: 'refused', error: refusal });
  });

  return {
    request(type, payload, timeoutMs = REQUEST_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const fail = (error: SignalingError) => {
          pending.delete(fail);
          reject(error);
        };
        pending.add(fail);
        (untyped.timeout(timeoutMs).emitWithAck(type, payload) as Promise<Reply<unknown>>).then(
          (reply) => {
            if (!pending.delete(fail)) return;
            if (reply.ok) resolve(reply.data as ResponseData<typeof type>);
            else reject(new SignalingError(reply.error.code, reply.error.message, type));
          },
          () =>
            fail(new SignalingError('TIMEOUT', `${type}: no reply within ${timeoutMs} ms`, type)),
        );
      });
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
      connectionHandlers.add(handler);
      return () => {
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
        connectionHandlers.delete(handler);
      };
    },
    get connected() {
      return socket.connected;
    },
    close() {
      clearTimeout(drainRetry);
      connectionHandlers.clear();
      socket.removeAllListeners();
      socket.disconnect();
      failPending(new SignalingError('TIMEOUT', 'connection closed'));
    },
  };
}
