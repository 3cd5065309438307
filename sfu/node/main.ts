// Composition root of an SFU node (`npm run sfu`): the mediasoup worker pool
// behind the schema-checked SfuApi, served to signaling nodes on the internal
// endpoint. Reads its configuration once, here.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { pino } from 'pino';
import { createSchemaCheckedSfu } from '../api/schemaChecked.js';
import { createInProcessSfu } from '../core/inProcessSfu.js';
import { createSecretCheck } from './auth.js';
import { createCallHandler } from './calls.js';
import { ConfigError, loadSfuNodeConfig, type SfuNodeConfig } from './config.js';
import { createInternalEndpoint } from './endpoint.js';
import { createReplyCache } from './replyCache.js';

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

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

async function main(): Promise<void> {
  const config = readConfig();
  const incarnation = randomUUID();
  const log = pino({
    level: config.logLevel,
    base: { service: 'veche-sfu', node: config.nodeId, incarnation },
    redact: { paths: ['secret', '*.secret', 'auth', '*.auth'], censor: '[redacted]' },
  });
  if (!config.internal.tls && !isLoopback(config.internal.host)) {
    log.warn(
      { host: config.internal.host },
      'internal endpoint without TLS on a non-loopback address: set SFU_INTERNAL_TLS_CERT/_KEY between hosts',
    );
  }

  const sfu = createSchemaCheckedSfu(
    await createInProcessSfu(
      {
        workers: config.media.workers,
        rtcPort: config.media.rtcPort,
        listenIp: config.media.listenIp,
        announcedAddress: config.media.announcedAddress,
        workerLogLevel: 'warn',
        initialAvailableOutgoingBitrate: 1_000_000,
      },
      log.child({ component: 'sfu' }),
    ),
  );
  const endpointLog = log.child({ component: 'endpoint' });
  const endpoint = createInternalEndpoint({
    sfu,
    handleCall: createCallHandler({ sfu, cache: createReplyCache(REPLY_CACHE), log: endpointLog }),
    checkSecret: createSecretCheck(config.secrets),
    hello: { nodeId: config.nodeId, incarnation },
    tls: config.internal.tls,
    log: endpointLog,
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    for (const [what, close] of [
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
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
