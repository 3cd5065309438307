// The signaling process: reads and validates its configuration, composes the
// node (compose.ts), listens, and stops cleanly on SIGINT/SIGTERM. Embedded
// mode: in-process SFU, PGlite in DATA_DIR, in-memory room state.
// DATABASE_URL and REDIS_URL switch to a real PostgreSQL and to room state
// shared with other nodes.
import { compose, type Composition } from './compose.js';
import { ConfigError, loadConfig, type SignalingConfig } from './config.js';
import { startupFailure } from './composeErrors.js';

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

async function main(): Promise<void> {
  const config = readConfig();
  let node: Composition;
  try {
    node = await compose(config);
    try {
      await node.listen();
    } catch (error) {
      await node.close();
      throw error;
    }
  } catch (error) {
    const known = startupFailure(error, config);
    if (known === undefined) throw error;
    console.error(known);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    node.log.info({ signal }, 'shutting down');
    let ok = false;
    try {
      ok = await node.close();
    } catch (error) {
      node.log.error({ err: error }, 'shutdown failed');
    }
    if (!ok) node.log.error({}, 'shutdown incomplete; see the steps above');
    process.exit(ok ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
