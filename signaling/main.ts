// The signaling process: reads and validates its configuration, composes the
// node (compose.ts), listens, and on SIGINT/SIGTERM drains and stops cleanly
// (stopSignals.ts). Embedded mode: in-process SFU, PGlite in DATA_DIR,
// in-memory room state. DATABASE_URL and REDIS_URL switch to a real
// PostgreSQL and to room state shared with other nodes.
import { compose, type Composition } from './compose.js';
import { ConfigError, loadConfig, type SignalingConfig } from './config.js';
import { startupFailure } from './composeErrors.js';
import { stopOnSignals } from './stopSignals.js';

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

  stopOnSignals(node, { drainMs: config.drainMs, exit: (code) => process.exit(code) });
}

await main();
