// What a load runs against: a deployment it starts itself from the build
// (embedded: one signaling process with its in-process SFU, PGlite in a temp
// folder; cluster: its own Redis and PostgreSQL — or REDIS_URL/DATABASE_URL —
// two SFU nodes in the registry and two signaling nodes), or one given by URL.
// Either way the bots spread over the signaling URLs and the figures of the
// server side come from each process's /metrics.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeployment, startNode, type NodeProcess } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { childrenNamed } from './pinning.js';

export interface MetricsEndpoint {
  /** `signaling-1`, `sfu-1`… */
  name: string;
  url: string;
  token?: string;
  /** The process serving it, when started here: its CPU (and its workers') is read from /proc. */
  pid?: number;
}

export interface LoadTarget {
  /** What it is, for the report. */
  readonly description: string;
  /** Signaling URLs; bot i joins through `urls[i % urls.length]`. */
  readonly urls: readonly string[];
  readonly metrics: readonly MetricsEndpoint[];
  /** The target is on this machine's loopback: every bot may connect from an address of its own. */
  readonly loopback: boolean;
  /** Process ids of the server side started here (for pinning); empty for a remote target. */
  readonly pids: readonly number[];
  /** Those and their mediasoup workers (workers are replaced when they die: asked afresh). */
  serverPids(): Promise<number[]>;
  stop(): Promise<void>;
}

export interface OwnTargetOptions {
  mode: 'embedded' | 'cluster';
  /** SFU_WORKERS of the process that runs the media. */
  workers: number;
  /** More environment for every server process. */
  env?: Record<string, string>;
}

const newToken = () => randomBytes(32).toString('base64url');

const pidOf = (child: { pid?: number | undefined }) =>
  child.pid === undefined ? {} : { pid: child.pid };

async function withWorkers(pids: readonly number[]): Promise<number[]> {
  const workers = await Promise.all(pids.map((pid) => childrenNamed(pid, 'mediasoup-worker')));
  return [...pids, ...workers.flat()];
}

export async function startOwnTarget(options: OwnTargetOptions): Promise<LoadTarget> {
  const problem = prepareServerBuild();
  if (problem) throw new Error(`cannot start the deployment: ${problem}`);
  const token = newToken();
  const env = { METRICS_TOKEN: token, LOG_LEVEL: 'warn', ...options.env };
  if (options.mode === 'embedded') {
    const dataDir = await mkdtemp(join(tmpdir(), 'veche-load-'));
    let node: NodeProcess;
    try {
      // The embedded defaults, whatever this shell's environment holds.
      node = await startNode(
        {
          ...env,
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          REDIS_URL: '',
          SFU_NODES: '',
          SFU_WORKERS: String(options.workers),
        },
        { fromBuild: true },
      );
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    return {
      description: `embedded: one signaling process with ${options.workers} worker(s), PGlite`,
      urls: [node.url],
      metrics: [{ name: 'signaling', url: node.url, token, ...pidOf(node.child) }],
      loopback: true,
      pids: node.child.pid !== undefined ? [node.child.pid] : [],
      serverPids: () => withWorkers(node.child.pid !== undefined ? [node.child.pid] : []),
      async stop() {
        await node.kill('SIGKILL');
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  let redis: TestRedis | undefined;
  let postgres: PostgresServer | undefined;
  try {
    redis = await startTestRedis();
    postgres = await startPostgres();
    const deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env,
        registry: {
          heartbeatMs: 1000,
          sfuEnv: { ...env, SFU_WORKERS: String(options.workers), LOG_LEVEL: 'warn' },
        },
      },
    );
    const services = { redis, postgres };
    return {
      description: `cluster: 2 signaling nodes, 2 SFU nodes of ${options.workers} worker(s), Redis, PostgreSQL`,
      urls: deployment.signaling.map((n) => n.url),
      metrics: [
        ...deployment.signaling.map((n, i) => ({
          name: `signaling-${i + 1}`,
          url: n.url,
          token,
          ...pidOf(n.child),
        })),
        ...deployment.sfu.map((n, i) => ({
          name: `sfu-${i + 1}`,
          url: n.url,
          token,
          ...pidOf(n.child),
        })),
      ],
      loopback: true,
      pids: [...deployment.signaling, ...deployment.sfu].flatMap((n) =>
        n.child.pid !== undefined ? [n.child.pid] : [],
      ),
      serverPids: () =>
        withWorkers(
          [...deployment.signaling, ...deployment.sfu].flatMap((n) =>
            n.child.pid !== undefined ? [n.child.pid] : [],
          ),
        ),
      async stop() {
        await deployment.stop();
        await services.redis.stop();
        await services.postgres.stop();
      },
    };
  } catch (error) {
    await redis?.stop();
    await postgres?.stop();
    throw error;
  }
}

/** A deployment somebody else runs: its /metrics read with METRICS_TOKEN when that is set. */
export function remoteTarget(url: string, metricsToken: string | undefined): LoadTarget {
  const host = new URL(url).hostname;
  return {
    description: `given: ${new URL(url).origin}`,
    urls: [url],
    metrics: [{ name: 'signaling', url, ...(metricsToken ? { token: metricsToken } : {}) }],
    loopback: host === 'localhost' || host.startsWith('127.') || host === '[::1]',
    pids: [],
    serverPids: async () => [],
    async stop() {},
  };
}
