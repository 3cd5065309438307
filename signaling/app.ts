// Builds the signaling server from its dependencies. main.ts (and tests)
// decide which SFU implementation and which logger it gets.
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { SfuApi } from '../sfu/api/index.js';
import type { Services } from './core/context.js';
import type { Logger } from './core/logger.js';
import { createWebServer, type RouteHandler } from './http/server.js';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol/index.js';
import { PROTOCOL_VERSION } from './protocol/index.js';
import { createRoomRegistry } from './rooms/registry.js';
import { handleSfuEvent } from './rooms/sfuEvents.js';
import { attachConnection } from './socket/dispatcher.js';
import { createNotifier } from './socket/notifier.js';

export interface SignalingOptions {
  sfu: SfuApi;
  log: Logger;
  webRoot: string;
  publicUrl: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  /** Extra HTTP routes (the REST API), tried before the web client. */
  routes?: readonly RouteHandler[];
}

export interface SignalingServer {
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/** Browsers may connect from this server's own origin or PUBLIC_URL's; tools send no Origin. */
export function isAllowedOrigin(req: IncomingMessage, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).host;
    if (host === req.headers.host) return true;
    return publicUrl !== undefined && new URL(publicUrl).host === host;
  } catch {
    return false;
  }
}

export function createSignalingServer(options: SignalingOptions): SignalingServer {
  const { sfu, log } = options;
  const rooms = createRoomRegistry();
  const httpServer = createWebServer({
    webRoot: options.webRoot,
    routes: options.routes ?? [],
    tls: options.tls,
    log,
    health: async () => {
      const load = await sfu.call('getLoad', {});
      let peers = 0;
      let roomCount = 0;
      for (const room of rooms.rooms()) {
        roomCount += 1;
        peers += room.peers.size;
      }
      return {
        status: 'ok',
        protocolVersion: PROTOCOL_VERSION,
        rooms: roomCount,
        peers,
        workers: load.workers.length,
      };
    },
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    serveClient: false,
    // Larger frames than a request may carry are cut off by socket.io itself;
    // below it, the dispatcher answers PAYLOAD_TOO_LARGE.
    maxHttpBufferSize: 1_000_000,
    allowRequest: (req, callback) => {
      const allowed = isAllowedOrigin(req, options.publicUrl);
      if (!allowed) log.warn({ origin: req.headers.origin }, 'socket refused: foreign origin');
      callback(null, allowed);
    },
  });
  const services: Services = { sfu, rooms, notify: createNotifier(io), log };
  const unsubscribe = sfu.onEvent((event) => handleSfuEvent(services, event));
  io.on('connection', (socket) => attachConnection(socket, services));

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const scheme = options.tls ? 'https' : 'http';
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ port: address.port, url: `${scheme}://${shownHost}:${address.port}` });
        });
      });
    },
    async close() {
      unsubscribe();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
