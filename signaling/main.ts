// Composition root of the signaling process. Embedded mode: in-process SFU,
// PGlite in DATA_DIR, in-memory room state. DATABASE_URL and REDIS_URL switch
// to a real PostgreSQL and to room state shared with other nodes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createSchemaCheckedSfu } from '../sfu/api/index.js';
import { createInProcessSfu } from '../sfu/index.js';
import { createApiHandler } from './api/index.js';
import type { LiveAdmin } from './api/live.js';
import { createSignalingServer } from './app.js';
import { createDatabaseAuditSink } from './audit/dbSink.js';
import type { StaffIdentity } from './auth/identity.js';
import { createInviteCodec } from './auth/invites.js';
import { createResumeCodec } from './auth/resume.js';
import { loadOrCreateSecrets } from './auth/secrets.js';
import { createAuthenticator } from './auth/socketAuth.js';
import { createStaffTokenVerifier, type StaffTokenVerifier } from './auth/tokens.js';
import { createDatabaseChatStore } from './chat/dbStore.js';
import { scheduleChatRetention } from './chat/retention.js';
import { connectRedis } from './cluster/redis.js';
import { ConfigError, loadConfig, type SignalingConfig } from './config.js';
import { createLogger } from './core/logger.js';
import { migrate, openDatabase } from './db/index.js';
import { createBookedRoomPolicy } from './rooms/bookedPolicy.js';
import { createAdHocPolicy } from './rooms/entryPolicy.js';
import { createDatabaseMeetingRecorder } from './rooms/meetingRecorder.js';
import { createMemoryStateStore } from './rooms/stateStore.js';

/** Chat of rooms nobody booked is kept this long. */
const AD_HOC_CHAT_RETENTION_DAYS = 30;

function readConfig(): SignalingConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
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

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const secrets = await loadOrCreateSecrets(config.dataDir, config.auth);
  const operatorSecret = config.auth.jwtSecret
    ? new TextEncoder().encode(config.auth.jwtSecret)
    : undefined;
  const verifyStaff = createStaffTokenVerifier({
    secret: config.auth.jwksUrl ? undefined : (operatorSecret ?? secrets.jwtSecret),
    jwksUrl: config.auth.jwksUrl,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
  });
  const invites = createInviteCodec(secrets.inviteSecret);

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const stopRetention = scheduleChatRetention(db, {
    adHocRetentionDays: AD_HOC_CHAT_RETENTION_DAYS,
    onError: (error) => log.error({ err: error }, 'chat retention failed'),
  });
  const shared = config.redis ? await connectRedis(config.redis, log) : undefined;

  const sfu = createSchemaCheckedSfu(
    await createInProcessSfu(
      {
        workers: config.sfu.workers,
        rtcPort: config.sfu.rtcPort,
        listenIp: config.sfu.listenIp,
        announcedAddress: config.sfu.announcedAddress,
        workerLogLevel: 'warn',
        initialAvailableOutgoingBitrate: 1_000_000,
      },
      log.child({ component: 'sfu' }),
    ),
  );
  const server = createSignalingServer({
    sfu,
    log,
    webRoot: fileURLToPath(new URL('../web/', import.meta.url)),
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
    store: shared?.store ?? createMemoryStateStore(),
    ...(shared
      ? {
          adapter: shared.adapter,
          passcodeAttempts: shared.attempts,
          cluster: { store: shared.store, heartbeatMs: shared.heartbeatMs },
        }
      : {}),
    chat: createDatabaseChatStore(db),
    audit: createDatabaseAuditSink(db),
    meetings: createDatabaseMeetingRecorder(db),
    policy: createBookedRoomPolicy(
      db,
      createAdHocPolicy({ mode: config.mode, adHocRooms: config.adHocRooms }),
    ),
    nodeId: randomUUID(),
    trustProxy: config.trustProxy,
    frameAncestors: config.frameAncestors,
    routes: [
      createApiHandler({
        db,
        authenticate: bearerAuthenticator(verifyStaff),
        publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
        log: log.child({ component: 'api' }),
        trustProxy: config.trustProxy,
        // The server being built here; asked per request, once it exists.
        live: (): LiveAdmin => server.live,
      }),
    ],
  });
  const { url } = await server.listen(config.port, config.host);
  log.info(
    {
      url,
      mode: config.mode,
      database: config.databaseUrl ? 'postgresql' : 'embedded',
      roomState: shared ? 'redis' : 'memory',
      workers: config.sfu.workers,
      rtcPort: config.sfu.rtcPort,
      rtcAddress: config.sfu.announcedAddress ?? config.sfu.listenIp,
    },
    `Veche is running at ${url}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stopRetention();
    await server.close();
    await sfu.close();
    await shared?.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
