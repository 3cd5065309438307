// The SFU node's internal endpoint: HTTP(S) with /healthz, /readyz and
// /metrics, and a socket.io server on SFU_ENDPOINT_PATH carrying the SfuApi.
// Only signaling nodes holding the shared secret get past the handshake
// (/metrics has its own token, METRICS_TOKEN). A connection
// belongs to the incarnation that greeted it: once the node fenced itself
// (a new incarnation), calls on an older connection are refused and the
// connection closed, so its client reconnects and learns of the restart.
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { SfuApi } from '../api/index.js';
import {
  MAX_FRAME_BYTES,
  SFU_ENDPOINT_PATH,
  subscriptionSchema,
  type CallReply,
  type Hello,
  type Subscription,
} from '../api/wire.js';
import type { SfuLogger } from '../core/logger.js';
import type { CallHandler } from './calls.js';
import type { MetricsRoute } from './metricsHttp.js';
import type { Readiness } from './metricsReadiness.js';

/** Connections that asked for this node's own events (a worker died). */
const NODE_EVENTS = 'events:node';
/** Connections that watch one room: only they are sent its events. */
const roomEvents = (roomId: string) => `events:room:${roomId}`;
const channelOf = (subscription: Subscription): string =>
  subscription.scope === 'node' ? NODE_EVENTS : roomEvents(subscription.roomId);

export interface EndpointOptions {
  sfu: SfuApi;
  handleCall: CallHandler;
  checkSecret: (given: unknown) => boolean;
  /** The node as it introduces itself now (the incarnation changes when the node fences itself). */
  identity: () => Hello;
  /** Runs before every call (the node may find it was away too long and fence itself). */
  beforeCall?: () => void;
  tls: { certFile: string; keyFile: string } | undefined;
  log: SfuLogger;
  /** `/metrics`. */
  metrics?: MetricsRoute;
  /** Checks of what the node needs besides a live worker (the registry); `/readyz` judges them. */
  readiness?: () => Promise<Readiness>;
}

export interface InternalEndpoint {
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Closes every connection (the node is a new incarnation): clients reconnect and are greeted anew. */
  dropConnections(): void;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** The answer to a call on a connection of an earlier incarnation (retried, it reaches the new one). */
const FENCED: CallReply = {
  ok: false,
  error: {
    code: 'SFU_UNAVAILABLE',
    message: 'the node restarted as a new incarnation: reconnect',
    retryable: true,
  },
};

export function createInternalEndpoint(options: EndpointOptions): InternalEndpoint {
  const { sfu, log, identity } = options;
  let stopping = false;

  async function health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = URL.parse(req.url ?? '/', 'http://localhost');
    // A request target no URL can be made of (`//[`): the caller's fault, not a failure.
    if (!url) return json(res, 400, { error: 'bad request target' });
    const path = url.pathname;
    if (options.metrics && (await options.metrics(req, res, url))) return;
    if (path === '/healthz') return json(res, 200, { status: 'ok', ...identity() });
    if (path === '/readyz') {
      // Ready while it can take rooms: not stopping, a worker is up, and what
      // it depends on answers (a short outage only degrades: metricsReadiness.ts).
      const workers = stopping ? 0 : (await sfu.call('getLoad', {})).workers.length;
      const dependencies = workers > 0 ? await options.readiness?.() : undefined;
      const ready = workers > 0 && (dependencies?.ready ?? true);
      return json(res, ready ? 200 : 503, {
        ready,
        status: workers > 0 ? (dependencies?.status ?? 'ok') : 'unavailable',
        workers,
        ...(dependencies ? { checks: dependencies.checks } : {}),
        ...identity(),
      });
    }
    // socket.io answers its own path before this listener runs.
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    health(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'health check failed');
      if (!res.headersSent) json(res, 503, { ready: false });
    });
  };
  const http: HttpServer = options.tls
    ? createHttpsServer(
        { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        listener,
      )
    : createHttpServer(listener);

  const io = new Server(http, {
    path: SFU_ENDPOINT_PATH,
    serveClient: false,
    transports: ['websocket'],
    maxHttpBufferSize: MAX_FRAME_BYTES,
    // A stopped or unreachable peer is noticed within seconds, not a minute.
    pingInterval: 5000,
    pingTimeout: 5000,
  });

  io.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    if (options.checkSecret(auth['secret'])) {
      next();
      return;
    }
    log.warn({ address: socket.handshake.address }, 'internal connection refused: bad secret');
    const error = new Error('not authorised') as Error & { data: { code: string } };
    error.data = { code: 'UNAUTHENTICATED' };
    next(error);
  });

  io.on('connection', (socket) => {
    const peer = log.child({ connection: socket.id, address: socket.handshake.address });
    peer.info({}, 'signaling node connected');
    const greeting = identity();
    socket.emit('hello', greeting);
    socket.on('call', (payload: unknown, ack: unknown) => {
      // A call nobody waits for is not run: nothing could report its result.
      if (typeof ack !== 'function') {
        peer.warn({}, 'call without acknowledgement dropped');
        return;
      }
      options.beforeCall?.();
      if (identity().incarnation !== greeting.incarnation) {
        // Meant for what the node carried before it fenced itself: gone.
        (ack as (r: CallReply) => void)(FENCED);
        socket.disconnect(true);
        return;
      }
      void options
        .handleCall(payload)
        .then((reply: CallReply) => (ack as (r: CallReply) => void)(reply));
    });
    const subscription = (join: boolean) => (payload: unknown, ack: unknown) => {
      const parsed = subscriptionSchema.safeParse(payload);
      if (parsed.success) {
        if (join) void socket.join(channelOf(parsed.data));
        else void socket.leave(channelOf(parsed.data));
      } else {
        peer.warn({}, 'malformed subscription dropped');
      }
      if (typeof ack === 'function') {
        (ack as (r: CallReply) => void)(
          parsed.success
            ? { ok: true, data: {} }
            : {
                ok: false,
                error: {
                  code: 'INVALID_REQUEST',
                  message: 'malformed subscription',
                  retryable: false,
                },
              },
        );
      }
    };
    socket.on('subscribe', subscription(true));
    socket.on('unsubscribe', subscription(false));
    socket.on('disconnect', (reason) => peer.info({ reason }, 'signaling node disconnected'));
  });

  // A room's events go to the connections watching it, and to no other.
  const unsubscribe = sfu.onEvent((event) => {
    io.to('roomId' in event ? roomEvents(event.roomId) : NODE_EVENTS).emit('event', event);
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          const address = http.address() as AddressInfo;
          const scheme = options.tls ? 'https' : 'http';
          resolve({ port: address.port, url: `${scheme}://${host}:${address.port}` });
        });
      });
    },
    dropConnections() {
      io.disconnectSockets(true);
    },
    async close() {
      stopping = true;
      unsubscribe();
      // Closes every connection too; clients see a disconnect and reconnect elsewhere.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
