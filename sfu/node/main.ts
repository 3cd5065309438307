// Composition root of an SFU node (`npm run sfu`): the mediasoup worker pool
// behind the schema-checked SfuApi, served to signaling nodes on the internal
// endpoint. Reads its configuration once, here.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import type { SfuApi } from '../api/index.js';
import { createSchemaCheckedSfu } from '../api/schemaChecked.js';
import { createInProcessSfu } from '../core/inProcessSfu.js';
import { createSecretCheck } from './auth.js';
import { createCallHandler } from './calls.js';
import { ConfigError, loadSfuNodeConfig, type SfuNodeConfig } from './config.js';
import { createInternalEndpoint } from './endpoint.js';
import { createFence } from './fence.js';
import { setUpNodeMetrics } from './metricsSetup.js';
import { registerNode, type NodeRegistration } from './registry.js';
import { createReplyCache } from './replyCache.js';
import { drainBeforeStop } from './stopDrain.js';

/** A retry comes within seconds; a minute covers it with room to spare. */
const REPLY_CACHE = { maxEntries: 10_000, ttlMs: 60_000 };

function readConfig(): SfuNodeConfig {
  try {
    return loadSfuNodeConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * REDIS_CA, read once at start (the configuration allows it with rediss://
 * only); a file that cannot be read stops the node with one line naming it.
 */
function readRedisCa(config: SfuNodeConfig): string | undefined {
  const file = config.registry?.caFile;
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    console.error(`REDIS_CA ${file} cannot be read (${reason})`);
    process.exit(1);
  }
}

/** Veche's version from package.json (the source tree and the build sit at different depths). */
function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'veche' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

async function main(): Promise<void> {
  const config = readConfig();
  const redisCa = readRedisCa(config);
  // Mutable: a node that fences itself goes on as a new incarnation.
  let incarnation: string = randomUUID();
  const log = pino({
    level: config.logLevel,
    base: { service: 'veche-sfu', node: config.nodeId },
    // Every line names the incarnation in force when it is written.
    mixin: () => ({ incarnation }),
    redact: { paths: ['secret', '*.secret', 'auth', '*.auth'], censor: '[redacted]' },
  });
  if (!config.internal.tls && !isLoopback(config.internal.host)) {
    log.warn(
      { host: config.internal.host },
      'internal endpoint without TLS on a non-loopback address: set SFU_INTERNAL_TLS_CERT/_KEY between hosts',
    );
  }

  let registration: NodeRegistration | undefined;
  const inner = await createInProcessSfu(
    {
      workers: config.media.workers,
      rtcPort: config.media.rtcPort,
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      workerLogLevel: 'warn',
      initialAvailableOutgoingBitrate: 1_000_000,
      pipe: config.pipe,
      consumersPerWorker: config.consumersPerWorker,
    },
    log.child({ component: 'sfu' }),
    // A drain shows in the registry at once, not a beat later (and before a
    // migrating node closes its first room).
    { publishState: async () => registration?.beat() },
  );
  const sfu: SfuApi = createSchemaCheckedSfu(inner);
  const endpointLog = log.child({ component: 'endpoint' });
  const replies = createReplyCache(REPLY_CACHE);
  let redis: RedisClientType | undefined;
  const observed = setUpNodeMetrics({
    sfu,
    token: config.metricsToken,
    registry: config.registry ? () => redis : undefined,
    log,
  });
  const endpoint = createInternalEndpoint({
    sfu,
    handleCall: createCallHandler({ sfu, cache: replies, log: endpointLog }),
    checkSecret: createSecretCheck(config.secrets),
    identity: () => ({ nodeId: config.nodeId, incarnation }),
    // A call that arrives as the node resumes after a pause is not served
    // from stale rooms: the node fences itself first.
    beforeCall: () => void registration?.check(),
    tls: config.internal.tls,
    log: endpointLog,
    metrics: observed.route,
    readiness: observed.readiness,
  });
  const fence = createFence({
    incarnation,
    // Set here first, so whatever fencing logs already names the new one.
    newIncarnation: () => (incarnation = randomUUID()),
    dropConnections: () => endpoint.dropConnections(),
    forgetReplies: () => replies.clear(),
    dropState: () => inner.dropAll(),
    log: log.child({ component: 'fence' }),
  });
  const { url } = await endpoint.listen(config.internal.port, config.internal.host);
  log.info(
    {
      url,
      workers: config.media.workers,
      rtcPort: config.media.rtcPort,
      rtcAddress: config.media.announcedAddress ?? config.media.listenIp,
      tls: config.internal.tls !== undefined,
    },
    `SFU node ${config.nodeId} is serving at ${url}`,
  );

  if (config.registry) {
    const registryLog = log.child({ component: 'registry' });
    let started = false;
    // The URL carries the password and TLS (rediss://); REDIS_CA, a private CA.
    redis = createClient({
      url: config.registry.url,
      socket: {
        ...(redisCa === undefined ? {} : { tls: true as const, ca: redisCa }),
        // At start a refusal (wrong password, no Redis) stops the node with a
        // clear message; once registered, Redis going away is waited out.
        reconnectStrategy: (retries: number, cause: Error) =>
          started ? Math.min(100 * 2 ** retries, 2000) : cause,
      },
    }) as RedisClientType;
    redis.on('error', (error: unknown) =>
      registryLog.warn({ err: error }, 'redis connection error'),
    );
    const pipeAddress = config.pipe.announcedAddress ?? config.pipe.listenIp;
    if (pipeAddress === '0.0.0.0' || pipeAddress === '::') {
      registryLog.warn({}, 'PIPE_LISTEN_IP listens everywhere: set PIPE_ANNOUNCED_ADDRESS');
    }
    try {
      await redis.connect();
      registration = await registerNode({
        redis,
        prefix: config.registry.prefix,
        heartbeatMs: config.registry.heartbeatMs,
        sfu,
        node: {
          nodeId: config.nodeId,
          incarnation,
          internalUrl: config.registry.publicUrl ?? url,
          mediaAddress: config.media.announcedAddress ?? config.media.listenIp,
          pipeAddress,
          version: readVersion(),
          consumersPerWorker: config.consumersPerWorker,
        },
        onLapse: (lapse) => fence.fence(lapse),
        log: registryLog,
      });
      started = true;
    } catch (error) {
      // A wrong password or an unreachable Redis: say so and stop, rather than serve unlisted.
      log.fatal({ err: error }, 'cannot register in the SFU registry (REDIS_URL)');
      log.flush();
      process.exit(1);
    }
    registryLog.info(
      { heartbeatMs: config.registry.heartbeatMs, internalUrl: config.registry.publicUrl ?? url },
      'registered in the SFU registry',
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    for (const [what, close] of [
      // Out of the registry first: no new placements while the rest stops.
      ['registry record', async () => registration?.close()],
      ['redis', async () => void (await redis?.quit())],
      ['endpoint', () => endpoint.close()],
      ['workers', () => sfu.close()],
    ] as const) {
      try {
        await close();
      } catch (error) {
        code = 1;
        log.error({ err: error }, `closing the ${what} failed`);
      }
    }
    log.flush();
    process.exit(code);
  };

  // The first signal drains the node (its rooms move elsewhere) and stops it
  // once empty or after SFU_DRAIN_TIMEOUT_SECONDS; a second stops it at once.
  const interrupt = new AbortController();
  let draining = false;
  const stop = async (signal: string) => {
    if (draining) {
      interrupt.abort();
      return shutdown(signal);
    }
    draining = true;
    await drainBeforeStop({
      start: async () => {
        await sfu.call('setNodeDraining', { draining: true, migrate: true });
      },
      roomsLeft: () => inner.carriedRooms(),
      timeoutMs: config.drainTimeoutMs,
      signal: interrupt.signal,
      log,
    });
    return shutdown(signal);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
