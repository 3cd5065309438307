// A signaling node's observability, composed: one Prometheus registry for the
// process (Node's own process metrics, the node's metrics, and the SFU's when
// the SFU runs in this process), the `/metrics` route that serves it, the
// timing of SFU calls, and the readiness its `/readyz` answers from checks of
// its database, Redis and SFU. compose.ts calls this once per node.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { SfuApi } from '../sfu/api/index.js';
import { registerSfuMetrics } from '../sfu/node/metrics.js';
import { createMetricsRoute } from '../sfu/node/metricsHttp.js';
import {
  createReadiness,
  registerReadinessMetric,
  type Readiness,
} from '../sfu/node/metricsReadiness.js';
import type { SfuNodeSource } from './admin/nodeSource.js';
import type { Logger } from './core/logger.js';
import type { Queryable } from './db/index.js';
import type { RouteHandler } from './http/server.js';
import {
  databaseCheck,
  redisCheck,
  sfuCheck,
  type DependencyCheck,
} from './metrics/readyChecks.js';
import { createSignalingMetrics, type SignalingMetrics } from './metrics/signalingMetrics.js';
import { timedSfu } from './metrics/timedSfu.js';

export interface MetricsOptions {
  /** METRICS_TOKEN: scrapers must send it as a bearer token. */
  token: string | undefined;
  turnConfigured: boolean;
  log: Logger;
}

export interface ReadinessDependencies {
  /** The node's database (none when history is kept in memory). */
  db: Pick<Queryable, 'query'> | undefined;
  /** Redis shared with other nodes, when there is one. */
  redis: { ping(): Promise<void> } | undefined;
  /** The SFU nodes this node can use (one: the SFU in this process). */
  sfuNodes: Pick<SfuNodeSource, 'nodes'>;
  /** How long a failing check only degrades the node (default 10 s). */
  graceMs?: number;
}

export interface NodeObservability {
  readonly metrics: SignalingMetrics;
  /** `/metrics`. */
  readonly route: RouteHandler;
  /** The SFU with each call timed (`veche_signaling_sfu_call_duration_seconds`). */
  timed(sfu: SfuApi): SfuApi;
  /** The SFU running in this process: its metrics are this node's. */
  addEmbeddedSfu(sfu: SfuApi): void;
  /** What `/readyz` answers, from these dependencies. */
  readiness(dependencies: ReadinessDependencies): () => Promise<Readiness>;
}

export function composeMetrics(options: MetricsOptions): NodeObservability {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const log = options.log.child({ component: 'metrics' });
  const metrics = createSignalingMetrics(registry, { turnConfigured: options.turnConfigured });
  return {
    metrics,
    route: createMetricsRoute({ registry, token: options.token, log }),
    timed: (sfu) =>
      timedSfu(sfu, (method, outcome, seconds) => {
        metrics.sfuCall(method, outcome, seconds);
      }),
    addEmbeddedSfu(sfu) {
      registerSfuMetrics(registry, { sfu, log });
    },
    readiness({ db, redis, sfuNodes, graceMs }) {
      const checks: DependencyCheck[] = [
        ...(db ? [databaseCheck(db)] : []),
        ...(redis ? [redisCheck(() => redis.ping())] : []),
        sfuCheck(() => sfuNodes.nodes()),
      ];
      const probe = createReadiness({ checks, ...(graceMs === undefined ? {} : { graceMs }) });
      registerReadinessMetric(registry, probe);
      return () => probe.check();
    },
  };
}
