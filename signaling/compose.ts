// The composition root: builds a whole signaling node (secrets, database,
// shared state, SFU, authentication, REST API, signaling server) from a
// validated configuration. main.ts runs it for the process; tests run the
// same wiring, overriding only what a test must own (its SFU, its secrets,
// an in-memory history instead of a database, a clock, short timeouts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createSchemaCheckedSfu, type SfuApi } from '../sfu/api/index.js';
import {
  createInProcessSfu,
  DEFAULT_CONSUMERS_PER_WORKER,
  embeddedPipeOptions,
} from '../sfu/index.js';
import { createApiHandler } from './api/index.js';
import type { LiveAdmin } from './api/live.js';
import { createClusterAdmin } from './admin/clusterAdmin.js';
import { embeddedNodeSource, type SfuNodeSource } from './admin/nodeSource.js';
import { createTurnProbes } from './admin/turnProbes.js';
import { createSignalingServer, type SignalingServer } from './app.js';
import { createDatabaseAuditSink } from './audit/dbSink.js';
import type { AuditSink } from './audit/sink.js';
import type { StaffIdentity } from './auth/identity.js';
import { createInviteCodec } from './auth/invites.js';
import { createResumeCodec } from './auth/resume.js';
import { loadOrCreateSecrets, type Secrets } from './auth/secrets.js';
import { createTurnIssuer, noTurn } from './turn/credentials.js';
import { turnSecretOrCreate } from './turn/secret.js';
import type { AttemptLimiter } from './rooms/attemptLimiter.js';
import { scheduleAuditCheckpoints } from './audit/checkpoint.js';
import { checkpointKeyOrCreate } from './audit/checkpointConfig.js';
import { createAuthenticator } from './auth/socketAuth.js';
import { createStaffTokenVerifier, type StaffTokenVerifier } from './auth/tokens.js';
import { createDatabaseChatStore } from './chat/dbStore.js';
import { scheduleChatRetention } from './chat/retention.js';
import type { ChatStore } from './chat/store.js';
import { connectRedis, type SharedState } from './cluster/redis.js';
import type { SignalingConfig } from './config.js';
import { createLogger, type Logger } from './core/logger.js';
import { migrate, openDatabase, type Database } from './db/index.js';
import { createBookedRoomPolicy } from './rooms/bookedPolicy.js';
import { createAdHocPolicy } from './rooms/entryPolicy.js';
import { createDatabaseMeetingRecorder, type MeetingRecorder } from './rooms/meetingRecorder.js';
import { createMemoryStateStore, type RoomStateStore } from './rooms/stateStore.js';
import { createStepStopper } from './composeStop.js';
import { readSettingFile } from './composeFiles.js';
import type { DrainOptions, DrainOutcome } from './socket/drain.js';
import { connectSfuNodes } from './composeSfu.js';
import { reportKeySourceOutage } from './composeAuth.js';
import { composeMetrics } from './composeMetrics.js';

/** Chat of rooms nobody booked is kept this long. */
/** How often the server signs the audit chain's head. */
const AUDIT_CHECKPOINT_INTERVAL_MS = 60 * 60_000;
const AD_HOC_CHAT_RETENTION_DAYS = 30;

/**
 * Where chat, audit and meeting history go. By default: the database of the
 * configuration (opened, migrated and closed here). A test may hand in a
 * database it owns, or keep them in memory (then there is no REST API and no
 * booked rooms, as there is nothing to book them in).
 */
export type Storage =
  | { kind: 'database'; db: Database }
  | { kind: 'memory'; chat: ChatStore; audit: AuditSink; meetings: MeetingRecorder };

export interface CompositionOverrides {
  log?: Logger;
  /** An SFU the caller owns (and closes); by default one in-process SFU from `config.sfu`. */
  sfu?: SfuApi;
  /** By default from `<dataDir>/secrets.json` (created on first start). */
  secrets?: Secrets;
  storage?: Storage;
  /** Room control state; by default Redis with `config.redis`, else memory. */
  store?: RoomStateStore;
  /** The clock bookings are judged by. */
  now?: () => Date;
  nodeId?: string;
  webRoot?: string;
  /** Base of links the REST API hands out, when PUBLIC_URL is not set. */
  apiPublicUrl?: string;
  /** New connections per client address (tests open many from one address). */
  connectionLimit?: { perSecond: number; burst: number };
  /** How long a room's shared state outlives the last refresh (Redis). */
  roomTtlMs?: number;
  /** How long anybody waits in a lobby before being turned away. */
  lobbyMaxWaitMs?: number;
  /** The passcode-guessing budget; by default shared through Redis when there is one. */
  passcodeAttempts?: AttemptLimiter;
  /** How long a failing dependency only degrades readiness (default 10 s). */
  readyGraceMs?: number;
}

export interface Composition {
  readonly server: SignalingServer;
  readonly log: Logger;
  /** Listens on `config.port` / `config.host`. */
  listen(): Promise<{ port: number; url: string }>;
  /**
   * Before `close`: moves this node's clients to other nodes and resolves
   * when they are gone, at the deadline, or when `signal` aborts.
   */
  drain(options: DrainOptions): Promise<DrainOutcome>;
  /**
   * Stops everything this composition started, in order. Each step is
   * logged; a failing step does not stop the others. Resolves to false when
   * any step failed.
   */
  close(): Promise<boolean>;
}

/** REST API callers: `Authorization: Bearer <staff token>`; anything else is a 401. */
function bearerAuthenticator(verify: StaffTokenVerifier) {
  return async (req: IncomingMessage): Promise<StaffIdentity | undefined> => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) return undefined;
    return verify(token).catch(() => undefined);
  };
}

export async function compose(
  config: SignalingConfig,
  overrides: CompositionOverrides = {},
): Promise<Composition> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const stopper = createStepStopper(log);
  try {
    const secrets = overrides.secrets ?? (await loadOrCreateSecrets(config.dataDir, config.auth));
    const operatorSecret = config.auth.jwtSecret
      ? new TextEncoder().encode(config.auth.jwtSecret)
      : undefined;
    const verifyStaff = reportKeySourceOutage(
      createStaffTokenVerifier({
        secret: config.auth.jwksUrl ? undefined : (operatorSecret ?? secrets.jwtSecret),
        jwksUrl: config.auth.jwksUrl,
        audience: config.auth.audience,
        issuer: config.auth.issuer,
      }),
      config.auth.jwksUrl,
      log.child({ component: 'auth' }),
    );
    const invites = createInviteCodec(secrets.inviteSecret);

    const storage: Storage = overrides.storage ?? {
      kind: 'database',
      db: await openOwnedDatabase(config, log, stopper),
    };
    const db = storage.kind === 'database' ? storage.db : undefined;
    const records =
      storage.kind === 'database'
        ? {
            chat: createDatabaseChatStore(storage.db),
            audit: createDatabaseAuditSink(storage.db),
            meetings: createDatabaseMeetingRecorder(storage.db),
          }
        : { chat: storage.chat, audit: storage.audit, meetings: storage.meetings };
    if (db) {
      const stopRetention = scheduleChatRetention(db, {
        adHocRetentionDays: AD_HOC_CHAT_RETENTION_DAYS,
        onError: (error) => log.error({ err: error }, 'chat retention failed'),
      });
      stopper.add('chat retention', async () => stopRetention());
    }

    // REDIS_CA is read once, for every Redis client of this node.
    const redis = config.redis && {
      ...config.redis,
      ...(config.redis.caFile
        ? { ca: await readSettingFile('REDIS_CA', config.redis.caFile) }
        : {}),
    };
    let shared: SharedState | undefined;
    if (redis && !overrides.store) {
      shared = await connectRedis(
        { ...redis, ...(overrides.roomTtlMs ? { roomTtlMs: overrides.roomTtlMs } : {}) },
        log,
      );
      const connection = shared;
      stopper.add('redis', () => connection.close());
    }

    let sfu = overrides.sfu;
    let onSfuReconnect: ((listener: (roomId?: string) => void) => () => void) | undefined;
    let sfuNodeSource: SfuNodeSource | undefined;
    if (!sfu && config.sfuNodes) {
      const nodes = await connectSfuNodes(config.sfuNodes, redis, log, records.audit);
      stopper.add('sfu nodes', () => nodes.sfu.close());
      sfu = nodes.sfu;
      onSfuReconnect = nodes.onReconnect;
      sfuNodeSource = nodes.source;
    }
    if (!sfu) {
      const owned = createSchemaCheckedSfu(
        await createInProcessSfu(
          {
            workers: config.sfu.workers,
            rtcPort: config.sfu.rtcPort,
            listenIp: config.sfu.listenIp,
            announcedAddress: config.sfu.announcedAddress,
            workerLogLevel: 'warn',
            initialAvailableOutgoingBitrate: 1_000_000,
            // One node has no other to pipe to: loopback and the default range.
            pipe: embeddedPipeOptions(),
            consumersPerWorker: DEFAULT_CONSUMERS_PER_WORKER,
          },
          log.child({ component: 'sfu' }),
        ),
      );
      stopper.add('sfu', () => owned.close());
      sfu = owned;
    }

    const sfuNodes = sfuNodeSource ?? embeddedNodeSource(sfu);
    const observed = composeMetrics({
      token: config.metricsToken,
      turnConfigured: config.turn.urls.length > 0,
      log,
    });
    // The SFU in this process shows on this node's /metrics; SFU nodes show their own.
    if (!config.sfuNodes) observed.addEmbeddedSfu(sfu);

    // Admins see every SFU node and the rooms of every signaling node (Redis index).
    const cluster = createClusterAdmin({
      nodes: sfuNodes,
      live: () => server.live,
      ...(shared ? { roomIndex: shared.store } : {}),
      audit: records.audit,
    });
    // The secret is read (or made in DATA_DIR) only when there is a TURN server.
    const turn =
      config.turn.urls.length > 0
        ? createTurnIssuer({
            urls: config.turn.urls,
            secret: await turnSecretOrCreate(config.turn.secret, config.dataDir),
            ttlSeconds: config.turn.ttlSeconds,
            onIssued: () => observed.metrics.turnIssued(),
          })
        : undefined;
    const turnProbes = createTurnProbes({
      nodes: sfuNodes,
      turn: turn ?? noTurn,
      audit: records.audit,
    });
    const adHoc = createAdHocPolicy({ mode: config.mode, adHocRooms: config.adHocRooms });
    const server: SignalingServer = createSignalingServer({
      sfu: observed.timed(sfu),
      log,
      metrics: observed.metrics,
      readiness: observed.readiness({
        db,
        redis: shared,
        sfuNodes,
        ...(overrides.readyGraceMs === undefined ? {} : { graceMs: overrides.readyGraceMs }),
      }),
      webRoot: overrides.webRoot ?? fileURLToPath(new URL('../web/', import.meta.url)),
      publicUrl: config.publicUrl,
      tls: config.tls,
      authenticator: createAuthenticator({
        verifyStaff,
        invites,
        allowAnonymous: config.mode === 'embedded',
      }),
      invites,
      resume: createResumeCodec(secrets.resumeSecret),
      reconnectGraceMs: config.reconnectGraceMs,
      sfuLeaseMs: config.sfuLeaseMs,
      ...(onSfuReconnect ? { onSfuReconnect } : {}),
      ...(turn ? { turn } : {}),
      ...(overrides.lobbyMaxWaitMs !== undefined
        ? { lobbyMaxWaitMs: overrides.lobbyMaxWaitMs }
        : {}),
      store: overrides.store ?? shared?.store ?? createMemoryStateStore(),
      ...(shared
        ? {
            adapter: shared.adapter,
            cluster: {
              store: shared.store,
              heartbeatMs: shared.heartbeatMs,
              incarnation: shared.incarnation,
              onReconnect: shared.onReconnect,
            },
          }
        : {}),
      ...(overrides.passcodeAttempts || shared
        ? { passcodeAttempts: overrides.passcodeAttempts ?? shared?.attempts }
        : {}),
      ...records,
      policy: db ? createBookedRoomPolicy(db, adHoc, overrides.now) : adHoc,
      nodeId: overrides.nodeId ?? randomUUID(),
      trustProxy: config.trustProxy,
      frameAncestors: config.frameAncestors,
      connectionLimit: overrides.connectionLimit ?? config.connectionLimit,
      routes: [
        observed.route,
        ...(db
          ? [
              createApiHandler({
                db,
                authenticate: bearerAuthenticator(verifyStaff),
                publicUrl:
                  config.publicUrl ?? overrides.apiPublicUrl ?? `http://localhost:${config.port}`,
                log: log.child({ component: 'api' }),
                trustProxy: config.trustProxy,
                ...(overrides.now ? { now: overrides.now } : {}),
                // The server being built here; asked per request, once it exists.
                live: (): LiveAdmin => server.live,
                cluster: () => cluster,
                turnProbes,
              }),
            ]
          : []),
      ],
    });
    // Stopped first (last in): connections go before what they use.
    stopper.add('signaling server', () => server.close());

    return {
      server,
      log,
      async listen() {
        const listening = await server.listen(config.port, config.host);
        log.info(
          {
            url: listening.url,
            mode: config.mode,
            database:
              storage.kind === 'memory' ? 'memory' : config.databaseUrl ? 'postgresql' : 'embedded',
            roomState: shared ? 'redis' : 'memory',
            ...(config.sfuNodes && !overrides.sfu
              ? { sfuNodes: config.sfuNodes.registry ? 'registry' : config.sfuNodes.urls }
              : {
                  workers: config.sfu.workers,
                  rtcPort: config.sfu.rtcPort,
                  rtcAddress: config.sfu.announcedAddress ?? config.sfu.listenIp,
                }),
          },
          `Veche is running at ${listening.url}`,
        );
        return listening;
      },
      drain: (options) => server.drain(options),
      close: () => stopper.stop(),
    };
  } catch (error) {
    // Whatever started before the failure is stopped again.
    await stopper.stop();
    throw error;
  }
}

async function openOwnedDatabase(
  config: SignalingConfig,
  log: Logger,
  stopper: ReturnType<typeof createStepStopper>,
): Promise<Database> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log: log.child({ component: 'db' }),
  });
  stopper.add('database', () => db.close());
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  // The signed chain head, at start and hourly: deleting the newest audit
  // rows then shows against the last checkpoint (audit:verify).
  const stopCheckpoints = scheduleAuditCheckpoints(db, {
    file: config.auditCheckpoints.file,
    key: await checkpointKeyOrCreate(config.auditCheckpoints),
    log: log.child({ component: 'audit' }),
    intervalMs: AUDIT_CHECKPOINT_INTERVAL_MS,
  });
  stopper.add('audit checkpoints', async () => stopCheckpoints());
  return db;
}
