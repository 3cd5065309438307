// A real in-process SFU for tests: real mediasoup workers on random ports,
// wrapped in the schema-checked boundary exactly as the server runs it.
import type { NodeClientPool } from '../../signaling/cluster/homeRouter.js';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { pino } from 'pino';
import { createSchemaCheckedSfu, type SfuApi, type SfuEvent } from '../../sfu/api/index.js';
import {
  createInProcessSfu,
  DEFAULT_CONSUMERS_PER_WORKER,
  embeddedPipeOptions,
  type InProcessSfu,
  type InProcessSfuDeps,
} from '../../sfu/index.js';

export const testLogger = () => pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export interface TestSfu {
  sfu: SfuApi;
  events: SfuEvent[];
  /** The mediasoup workers this SFU started (replacements included). */
  workers: types.Worker[];
  /**
   * Routers and WebRTC transports alive in the live workers, as the workers
   * themselves count them (what the SFU's own maps may have lost track of).
   */
  contents(): Promise<{ routers: number; transports: number }>;
  close(): Promise<void>;
}

/** A TestSfu running in this process, with what its own process may ask of it. */
export interface InProcessTestSfu extends TestSfu {
  /** Drops everything the SFU carries, as a fenced node does (InProcessSfu.dropAll). */
  dropAll(): number;
}

/** Worker pool hooks, and the clock and reaping interval leases run on. */
export interface TestSfuOptions extends InProcessSfuDeps {
  workers?: number;
  /** A fixed first media port (default: any free port). */
  rtcPort?: number;
  /** Where media listen (default 127.0.0.1), and the address announced to clients. */
  listenIp?: string;
  announcedAddress?: string;
  /** Consumers one worker is sized for (a small figure spreads a room over workers). */
  consumersPerWorker?: number;
}

export async function startTestSfu(
  workersOrOptions: number | TestSfuOptions = 1,
): Promise<InProcessTestSfu> {
  const {
    workers = 1,
    rtcPort = 0,
    listenIp = '127.0.0.1',
    announcedAddress,
    consumersPerWorker = DEFAULT_CONSUMERS_PER_WORKER,
    ...deps
  } = typeof workersOrOptions === 'number' ? { workers: workersOrOptions } : workersOrOptions;
  const started: types.Worker[] = [];
  const servers = new Map<types.Worker, types.WebRtcServer[]>();
  const onWorker = (worker: types.Worker) => {
    started.push(worker);
    servers.set(worker, []);
    worker.observer.on('newwebrtcserver', (server) => servers.get(worker)?.push(server));
  };
  mediasoup.observer.on('newworker', onWorker);
  let inner: InProcessSfu;
  try {
    inner = await createInProcessSfu(
      {
        workers,
        rtcPort,
        listenIp,
        announcedAddress,
        workerLogLevel: 'warn',
        initialAvailableOutgoingBitrate: 1_000_000,
        pipe: embeddedPipeOptions(),
        consumersPerWorker,
      },
      testLogger(),
      deps,
    );
  } catch (error) {
    mediasoup.observer.off('newworker', onWorker);
    throw error;
  }
  const sfu = createSchemaCheckedSfu(inner);
  const events: SfuEvent[] = [];
  sfu.onEvent((event) => events.push(event));
  return {
    sfu,
    events,
    workers: started,
    async contents() {
      let routers = 0;
      let transports = 0;
      for (const worker of started.filter((w) => !w.closed)) {
        routers += (await worker.dump()).routerIds.length;
        for (const server of servers.get(worker) ?? []) {
          if (!server.closed) transports += (await server.dump()).webRtcTransportIds.length;
        }
      }
      return { routers, transports };
    },
    dropAll: () => inner.dropAll(),
    async close() {
      mediasoup.observer.off('newworker', onWorker);
      await sfu.close();
    },
  };
}

/** Polls until the predicate holds; fails with the message after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The cluster router's node clients, played by test SFUs in this process
 * (one per node id, always connected): the router's own code over real SFUs.
 */
export function testNodePool(nodes: Readonly<Record<string, TestSfu>>): NodeClientPool {
  return {
    get: (node) => nodes[node.nodeId]!.sfu,
    onNodeEvent(listener) {
      const stops = Object.entries(nodes).map(([nodeId, n]) =>
        n.sfu.onEvent((event) => listener(nodeId, event)),
      );
      return () => {
        for (const stop of stops) stop();
      };
    },
    onReconnect: () => () => undefined,
  };
}
