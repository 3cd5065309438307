// Builds the signaling server from its dependencies; compose.ts decides
// which SFU, state store, chat store, audit sink and policy it gets. Each
// collaborator outside the request handlers gets only the ports it needs.
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import type { SfuApi } from '../sfu/api/index.js';
import { createLiveAdmin } from './admin/liveAdmin.js';
import type { LiveAdmin } from './api/live.js';
import type { AuditSink } from './audit/sink.js';
import type { Identity } from './auth/identity.js';
import type { InviteCodec } from './auth/invites.js';
import type { ResumeCodec } from './auth/resume.js';
import { recordFailedSignIn } from './auth/signInAudit.js';
import { clientAddress, type Authenticator } from './auth/socketAuth.js';
import { AuthError } from './auth/tokens.js';
import type { ChatStore } from './chat/store.js';
import { createPeerCommands, type InterServerEvents } from './cluster/commands.js';
import {
  startClusterMember,
  type ClusterLink,
  type ClusterMember,
} from './cluster/clusterMember.js';
import type { Services } from './core/context.js';
import type { Logger } from './core/logger.js';
import { createCapabilitiesRoute } from './http/capabilities.js';
import { createServedNames } from './http/origin.js';
import { createWebServer, type RouteHandler } from './http/server.js';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol/index.js';
import { PROTOCOL_VERSION } from './protocol/index.js';
import { createMemoryAttemptLimiter, type AttemptLimiter } from './rooms/attemptLimiter.js';
import type { EntryPolicy } from './rooms/entryPolicy.js';
import type { MeetingRecorder } from './rooms/meetingRecorder.js';
import { createLobbyWaits, LOBBY_MAX_WAIT_MS } from './rooms/lobbyWaits.js';
import { noMetrics, type SignalingMetrics } from './metrics/signalingMetrics.js';
import { createMediaView } from './rooms/mediaView.js';
import { createMembership } from './rooms/membership.js';
import { createRecallingStore } from './rooms/recallingStore.js';
import { createRoomRegistry } from './rooms/registry.js';
import { createRoomWatch } from './rooms/roomWatch.js';
import { createSfuEventFollower, type SfuEventFollower } from './rooms/sfuEvents.js';
import { startLeaseRenewal } from './rooms/leaseRenewal.js';
import type { RoomStateStore } from './rooms/stateStore.js';
import { attachConnection } from './socket/dispatcher.js';
import { createDrain, type DrainOptions, type DrainOutcome } from './socket/drain.js';
import { createConnectionLifecycle } from './socket/lifecycle.js';
import { createNotifier } from './socket/notifier.js';
import { createKeyedRateLimiter } from './socket/rateLimiter.js';
import { noTurn, type TurnIssuer } from './turn/credentials.js';

export interface SignalingOptions {
  sfu: SfuApi;
  log: Logger;
  webRoot: string;
  publicUrl: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  authenticator: Authenticator;
  store: RoomStateStore;
  chat: ChatStore;
  audit: AuditSink;
  policy: EntryPolicy;
  /** This node's id in shared room state. */
  nodeId: string;
  trustProxy: boolean;
  /** Origins allowed to frame the meeting page (CSP frame-ancestors). */
  frameAncestors: readonly string[];
  /** Extra HTTP routes (the REST API), tried before the web client. */
  routes?: readonly RouteHandler[];
  /** Signs guest invites that hosts create. */
  invites: InviteCodec;
  resume: ResumeCodec;
  meetings: MeetingRecorder;
  /** How long a peer whose connection dropped keeps its place. */
  reconnectGraceMs: number;
  /**
   * How long the SFU keeps the rooms and peers this node holds without a
   * renewal (SFU_LEASE_SECONDS); renewed every third of it.
   */
  sfuLeaseMs: number;
  /**
   * The SFU's events were missed (a remote SFU node came back, or events of
   * one room were lost): every watched room is resynchronised, or the one
   * named.
   */
  onSfuReconnect?: (listener: (roomId?: string) => void) => () => void;
  /** How long anybody waits in a lobby before being turned away (default LOBBY_MAX_WAIT_MS). */
  lobbyMaxWaitMs?: number;
  /** TURN credentials for clients' transports (default: no TURN server). */
  turn?: TurnIssuer;
  /** New connections per client address: sustained rate and burst. */
  connectionLimit?: { perSecond: number; burst: number };
  /** socket.io adapter factory (the Redis adapter when nodes share rooms). */
  adapter?: ServerOptions['adapter'];
  /** Passcode-guessing budget per address; several nodes share one (Redis). */
  passcodeAttempts?: AttemptLimiter;
  /**
   * With a shared (Redis) store: heartbeat and sweep for crashed nodes, and
   * the rebuild of this node's rooms when Redis loses its data.
   */
  cluster?: ClusterLink;
  /** Where the node's metrics go (default: nowhere). */
  metrics?: SignalingMetrics;
  /** Whether the node's dependencies answer (`/readyz`, unless draining); default: ready. */
  readiness?: () => Promise<{ ready: boolean; status: string; checks?: object }>;
}

export interface SignalingServer {
  /** The admins' view of this node (SFU capacity, live rooms) for the REST API. */
  readonly live: LiveAdmin;
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /**
   * Takes this node out of service before it stops: not ready, new
   * connections refused, its clients asked to resume on another node;
   * resolves when they are gone or at the deadline (socket/drain.ts).
   */
  drain(options: DrainOptions): Promise<DrainOutcome>;
  close(): Promise<void>;
}

interface SocketData {
  identity: Identity;
  ip: string;
}

export function createSignalingServer(options: SignalingOptions): SignalingServer {
  const { sfu, log } = options;
  const metrics = options.metrics ?? noMetrics;
  const rooms = createRoomRegistry();
  const localCounts = () => {
    let peers = 0;
    let roomCount = 0;
    for (const room of rooms.rooms()) {
      roomCount += 1;
      peers += room.peers.size;
    }
    return { rooms: roomCount, peers };
  };
  // With Redis, the node remembers the last state it saw of its rooms and
  // writes its part of them again should Redis lose them (roomRecovery.ts).
  const recalling =
    options.cluster &&
    createRecallingStore(options.store, {
      // Called once the cluster member below exists (requests come after construction).
      missing: (): Promise<boolean> => cluster?.recovery.check() ?? Promise.resolve(false),
    });
  const store = recalling ?? options.store;
  const servedNames = createServedNames(options.publicUrl);
  const httpServer = createWebServer({
    servedNames,
    webRoot: options.webRoot,
    routes: [createCapabilitiesRoute(sfu), ...(options.routes ?? [])],
    tls: options.tls,
    frameAncestors: options.frameAncestors,
    log,
    health: async () => {
      const load = await sfu.call('getLoad', {});
      return {
        status: 'ok',
        protocolVersion: PROTOCOL_VERSION,
        ...localCounts(),
        workers: load.workers.length,
        draining: drain.draining,
      };
    },
    // Alive but draining is not ready: the balancer sends new connections elsewhere.
    ready: async () => {
      if (drain.draining) return { ready: false, status: 'draining', draining: true };
      const dependencies = (await options.readiness?.()) ?? { ready: true, status: 'ok' };
      return { ...dependencies, draining: false };
    },
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
    httpServer,
    {
      serveClient: false,
      ...(options.adapter ? { adapter: options.adapter } : {}),
      // Larger frames than a request may carry are cut off by socket.io itself;
      // below it, the dispatcher answers PAYLOAD_TOO_LARGE.
      maxHttpBufferSize: 1_000_000,
      allowRequest: (req, callback) => {
        const allowed = servedNames.isAllowedOrigin(req);
        const { origin, host } = req.headers;
        if (!allowed) log.warn({ origin, host }, 'socket refused: foreign origin or host');
        callback(null, allowed);
      },
    },
  );
  const drain = createDrain({
    // This node's own connections: with the Redis adapter io.local stays local.
    connections: () => io.of('/').sockets.size,
    participants: () => localCounts().peers,
    askAllToMove: () => void io.local.emit('serverDraining', {}),
    log,
  });
  // Per client address: new connections (each one may try a passcode and a token).
  const connections = createKeyedRateLimiter(
    options.connectionLimit?.perSecond ?? 2,
    options.connectionLimit?.burst ?? 20,
  );
  const passcodeAttempts = options.passcodeAttempts ?? createMemoryAttemptLimiter();
  // Generous: a whole office may sit behind one address.
  const requestsPerAddress = createKeyedRateLimiter(
    options.connectionLimit ? options.connectionLimit.perSecond * 50 : 300,
    options.connectionLimit ? options.connectionLimit.burst * 50 : 1000,
  );
  io.use((socket, next) => {
    const ip = clientAddress(socket.request, options.trustProxy);
    const refuse = (code: string, message: string) => {
      const error = new Error(message) as Error & { data: { code: string } };
      error.data = { code };
      next(error);
    };
    if (drain.draining) {
      refuse('SERVER_DRAINING', 'this node is shutting down: connect again to reach another one');
      return;
    }
    if (!connections.take(ip)) {
      refuse('RATE_LIMITED', 'too many connections');
      return;
    }
    options.authenticator.authenticate(socket.handshake.auth).then(
      (identity) => {
        socket.data.identity = identity;
        socket.data.ip = ip;
        next();
      },
      (error: unknown) => {
        const code = error instanceof AuthError ? 'UNAUTHENTICATED' : 'INTERNAL';
        const message = error instanceof AuthError ? error.message : 'internal error';
        log.info({ ip, reason: message }, 'socket refused: authentication');
        void recordFailedSignIn(options.audit, log, { ip, error, auth: socket.handshake.auth });
        refuse(code, message);
      },
    );
  });

  const notify = createNotifier(io);
  // The SFU's view of the rooms this node watches, and what follows from its events.
  const media = createMediaView({
    listProducers: (room) => sfu.call('listProducers', { roomId: room }),
    // Called once the follower below exists (events come after construction).
    onEvent: (event) => follower.onEvent(event),
    onChange: (change) => follower.onChange(change),
    log,
  });
  const follower: SfuEventFollower = createSfuEventFollower({
    sfu,
    rooms,
    media,
    store,
    notify,
    log,
    node: options.nodeId,
    leaseMs: options.sfuLeaseMs,
  });
  const commands = createPeerCommands({
    sfu,
    rooms,
    media,
    notify,
    log,
    bus: {
      onPause: (listener) => void io.on('veche:pause', listener),
      // One node alone has no other to tell (and the in-memory adapter cannot).
      sendPause: options.adapter
        ? (command) => io.serverSideEmit('veche:pause', command)
        : () => undefined,
    },
  });
  const membership = createMembership({
    store,
    notify,
    meetings: options.meetings,
    media,
    sfu,
    log,
  });
  const lifecycle = createConnectionLifecycle();
  const lobbyWaits = createLobbyWaits({
    membership,
    notify,
    log,
    maxWaitMs: options.lobbyMaxWaitMs ?? LOBBY_MAX_WAIT_MS,
    onEnded: (waitedMs, outcome) => metrics.lobbyWaitEnded(waitedMs, outcome),
  });
  metrics.observeNode({
    rooms: () => localCounts().rooms,
    peers: () => localCounts().peers,
    sockets: () => io.of('/').sockets.size,
    lobbyWaiting: () => [...lobbyWaits.rooms()].length,
  });
  const watch = createRoomWatch({ sfu, rooms, media, lobbyRooms: () => lobbyWaits.rooms() });
  const services: Services = {
    commands,
    membership,
    sfu,
    rooms,
    media,
    watch,
    leaseMs: options.sfuLeaseMs,
    store,
    notify,
    chat: options.chat,
    audit: options.audit,
    policy: options.policy,
    node: options.nodeId,
    log,
    passcodeAttempts,
    invites: options.invites,
    publicUrl: options.publicUrl,
    resume: options.resume,
    meetings: options.meetings,
    reconnectGraceMs: options.reconnectGraceMs,
    turn: options.turn ?? noTurn,
    metrics,
  };
  const unsubscribe = sfu.onEvent((event) => {
    if ('epoch' in event) media.receive(event);
    else follower.onNodeEvent(event);
  });
  const stopReconnects = options.onSfuReconnect?.((roomId) => {
    if (roomId !== undefined) media.resync(roomId);
    else for (const room of media.rooms()) media.resync(room);
  });
  const leases = startLeaseRenewal({
    sfu,
    owner: options.nodeId,
    leaseMs: options.sfuLeaseMs,
    log,
  });
  const cluster: ClusterMember | undefined =
    options.cluster && recalling
      ? startClusterMember({
          shared: options.cluster,
          store: recalling,
          sharedStore: options.store,
          membership,
          rooms,
          lobbyWaits,
          notify,
          media,
          log,
          nodeId: options.nodeId,
          graceMs: options.reconnectGraceMs,
        })
      : undefined;
  io.on('connection', (socket) => {
    attachConnection(socket, services, {
      identity: socket.data.identity,
      ip: socket.data.ip,
      perAddress: requestsPerAddress,
      lobbyWaits,
      lifecycle,
      metrics,
    });
    socket.on('disconnect', () => drain.connectionClosed());
    // Let in just before the drain began, after the others were told: told now.
    if (drain.draining) socket.emit('serverDraining', {});
  });

  return {
    live: createLiveAdmin({ sfu, rooms, store, audit: options.audit, membership }),
    io,
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
    drain: (drainOptions) => drain.run(drainOptions),
    async close() {
      unsubscribe();
      stopReconnects?.();
      leases.stop();
      media.close();
      lobbyWaits.close();
      await cluster?.stop();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      // Connections clean up after themselves (shared state, notifications)
      // before the store and Redis they use are closed.
      await lifecycle.close();
    },
  };
}
