// Composition root of the signaling process (embedded mode: in-process SFU,
// in-memory room state).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSchemaCheckedSfu } from '../sfu/api/index.js';
import { createInProcessSfu } from '../sfu/index.js';
import { createSignalingServer } from './app.js';
import { createMemoryAuditSink } from './audit/sink.js';
import { createInviteCodec } from './auth/invites.js';
import { createResumeCodec } from './auth/resume.js';
import { loadOrCreateSecrets } from './auth/secrets.js';
import { createAuthenticator } from './auth/socketAuth.js';
import { createStaffTokenVerifier } from './auth/tokens.js';
import { createMemoryChatStore } from './chat/store.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './core/logger.js';
import { createAdHocPolicy } from './rooms/entryPolicy.js';
import { createMemoryStateStore } from './rooms/stateStore.js';
import { connectRedis } from './cluster/redis.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const secrets = await loadOrCreateSecrets(config.dataDir);
  const verifyStaff = createStaffTokenVerifier({
    secret: config.auth.jwksUrl
      ? undefined
      : config.auth.jwtSecret
        ? new TextEncoder().encode(config.auth.jwtSecret)
        : secrets.jwtSecret,
    jwksUrl: config.auth.jwksUrl,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
  });
  const invites = createInviteCodec(secrets.inviteSecret);
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
          cluster: { store: shared.store, heartbeatMs: shared.heartbeatMs },
        }
      : {}),
    chat: createMemoryChatStore(),
    audit: createMemoryAuditSink(),
    policy: createAdHocPolicy({ mode: config.mode, adHocRooms: config.adHocRooms }),
    nodeId: randomUUID(),
    trustProxy: config.trustProxy,
    frameAncestors: config.frameAncestors,
  });
  const { url } = await server.listen(config.port, config.host);
  log.info(
    {
      url,
      mode: config.mode,
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
    await server.close();
    await sfu.close();
    await shared?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
