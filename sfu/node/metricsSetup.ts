// An SFU node's observability, composed for main.ts: one Prometheus registry
// for the process (Node's process metrics and the SFU's own), the `/metrics`
// route with METRICS_TOKEN, and the readiness of what the node depends on
// besides its workers: the registry's Redis, when it registers in one.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { SfuApi } from '../api/index.js';
import type { SfuLogger } from '../core/logger.js';
import { registerSfuMetrics } from './metrics.js';
import { createMetricsRoute, type MetricsRoute } from './metricsHttp.js';
import {
  createReadiness,
  registerReadinessMetric,
  type Readiness,
  type ReadyCheck,
} from './metricsReadiness.js';

export interface NodeMetricsOptions {
  sfu: SfuApi;
  token: string | undefined;
  /**
   * The registry's Redis connection, once there is one (undefined before the
   * node registers, and on nodes listed in SFU_NODES).
   */
  registry: (() => { isReady: boolean; ping(): Promise<unknown> } | undefined) | undefined;
  log: SfuLogger;
}

export function setUpNodeMetrics(options: NodeMetricsOptions): {
  route: MetricsRoute;
  readiness: () => Promise<Readiness>;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const log = options.log.child({ component: 'metrics' });
  registerSfuMetrics(registry, { sfu: options.sfu, log });
  const redis = options.registry;
  const checks: ReadyCheck[] = redis
    ? [
        {
          name: 'registry',
          async run() {
            const client = redis();
            if (!client?.isReady) throw new Error('the registry connection (REDIS_URL) is down');
            await client.ping();
          },
        },
      ]
    : [];
  const probe = createReadiness({ checks });
  registerReadinessMetric(registry, probe);
  return {
    route: createMetricsRoute({ registry, token: options.token, log }),
    readiness: () => probe.check(),
  };
}
