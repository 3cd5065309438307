// A protocol client for tests, speaking the same typed envelope as the web app.
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type NotificationPayload,
  type NotificationType,
  type Reply,
  type RequestPayload,
  type RequestType,
  type ResponseData,
} from '../../signaling/protocol/index.js';

export type JoinedReply = Extract<ResponseData<'join'>, { status: 'joined' }>;

export interface TestClient {
  socket: Socket;
  /** Sends a request and returns the whole reply (ok or error). */
  send<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<Reply<ResponseData<T>>>;
  /** Sends a request and returns its data; throws on an error reply. */
  request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<ResponseData<T>>;
  /** Sends anything at all, for bad-input tests. */
  raw(event: string, ...args: unknown[]): Promise<unknown>;
  next<T extends NotificationType>(
    type: T,
    match?: (p: NotificationPayload<T>) => boolean,
  ): Promise<NotificationPayload<T>>;
  received: { type: string; payload: unknown }[];
  /** Joins and expects to be in the meeting (not the lobby). */
  join(room: string, displayName: string, passcode?: string): Promise<JoinedReply>;
  close(): void;
}

export interface ConnectOptions {
  headers?: Record<string, string>;
  /** The handshake auth object: `{ token }` for staff, `{ invite }` for guests. */
  auth?: Record<string, string>;
  /** PEM of the CA that signed an https:// server's certificate. */
  ca?: string;
  /** The local address to connect from (any of 127.0.0.0/8 on loopback). */
  localAddress?: string;
}

export async function connectClient(
  url: string,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      reject(Object.assign(error, { code: error.data?.code }));
    });
  });
  const received: { type: string; payload: unknown }[] = [];
  const waiters: { type: string; match: (p: unknown) => boolean; resolve: (p: unknown) => void }[] =
    [];
  socket.onAny((type: string, payload: unknown) => {
    received.push({ type, payload });
    const index = waiters.findIndex((w) => w.type === type && w.match(payload));
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(payload);
  });

  const client: TestClient = {
    socket,
    received,
    send(type, payload) {
      return socket.timeout(10_000).emitWithAck(type, payload) as never;
    },
    async request(type, payload) {
      const reply = await client.send(type, payload);
      if (!reply.ok) throw new Error(`${type} failed: ${reply.error.code} ${reply.error.message}`);
      return reply.data;
    },
    raw(event, ...args) {
      return socket.timeout(10_000).emitWithAck(event, ...args);
    },
    next(type, match = () => true) {
      const seen = received.find((r) => r.type === type && match(r.payload as never));
      if (seen) {
        received.splice(received.indexOf(seen), 1);
        return Promise.resolve(seen.payload as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} notification within 10 s`)),
          10_000,
        );
        waiters.push({
          type,
          match: (p) => match(p as never),
          resolve: (p) => {
            clearTimeout(timer);
            const i = received.findIndex((r) => r.payload === p);
            if (i >= 0) received.splice(i, 1);
            resolve(p as never);
          },
        });
      });
    },
    async join(room, displayName, passcode) {
      const reply = await client.request('join', {
        room,
        displayName,
        protocolVersion: PROTOCOL_VERSION,
        ...(passcode === undefined ? {} : { passcode }),
      });
      if (reply.status !== 'joined')
        throw new Error(`expected to join ${room}, got ${reply.status}`);
      return reply;
    },
    close() {
      socket.close();
    },
  };
  return client;
}
