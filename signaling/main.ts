// Composition root of the signaling process (embedded mode: in-process SFU).
import { fileURLToPath } from 'node:url';
import { createSchemaCheckedSfu } from '../sfu/api/index.js';
import { createInProcessSfu } from '../sfu/index.js';
import { createSignalingServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './core/logger.js';

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
  });
  const { url } = await server.listen(config.port, config.host);
  log.info(
    {
      url,
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
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
