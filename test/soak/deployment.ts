// The deployment a soak runs against, started by the soak itself: Redis and
// PostgreSQL (REDIS_URL / DATABASE_URL when given, with a fresh prefix and
// database), SFU node processes registered in Redis, and signaling node
// processes finding them there (SFU_NODES=registry) — each process from the
// build, with the soak's probe loaded. Times that decide when something left
// behind must be gone are short, so the soak's end checks come soon after
// the churn stops.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger } from '../harness/sfu.js';
import { createProbes, type Probes } from './probes.js';

/** How long a dropped participant's place is kept (RECONNECT_GRACE_SECONDS). */
export const GRACE_SECONDS = 3;
/** How long an SFU peer outlives its owner's last renewal (SFU_LEASE_SECONDS, ≥ the grace). */
export const LEASE_SECONDS = 4;
/** Signaling presence and SFU registry beats (CLUSTER_HEARTBEAT_MS, SFU_HEARTBEAT_MS). */
export const HEARTBEAT_MS = 500;

export interface SoakDeploymentOptions {
  signalingNodes: number;
  sfuNodes: number;
  /** Workers per SFU node (SFU_WORKERS). */
  workers: number;
}

export interface ServerProcess {
  /** `signaling-1`, `sfu-1`… */
  readonly name: string;
  readonly kind: 'signaling' | 'sfu';
  readonly pid: number;
}

export interface SoakDeployment {
  /** The signaling nodes' URLs (clients spread over them). */
  readonly urls: readonly string[];
  readonly processes: readonly ServerProcess[];
  /** The deployment's Redis key prefix (REDIS_PREFIX). */
  readonly prefix: string;
  readonly redis: RedisClientType;
  readonly probes: Probes;
  /** A client of each SFU node's internal endpoint, by process name. */
  readonly sfu: ReadonlyMap<string, RemoteSfu>;
  stop(): Promise<void>;
}

export async function startSoakDeployment(options: SoakDeploymentOptions): Promise<SoakDeployment> {
  const probeDir = await mkdtemp(join(tmpdir(), 'veche-soak-probes-'));
  const probes = createProbes(probeDir);
  let redisServer: TestRedis | undefined;
  let postgres: PostgresServer | undefined;
  let deployment: Deployment | undefined;
  let redis: RedisClientType | undefined;
  const sfu = new Map<string, RemoteSfu>();
  const stop = async () => {
    for (const remote of sfu.values()) await remote.close().catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    await deployment?.stop().catch(() => undefined);
    await redisServer?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    await rm(probeDir, { recursive: true, force: true });
  };
  try {
    redisServer = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis: redisServer, postgres },
      {
        signalingNodes: options.signalingNodes,
        sfuNodes: options.sfuNodes,
        env: {
          RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
          SFU_LEASE_SECONDS: String(LEASE_SECONDS),
          CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS),
          SIGNALING_DRAIN_SECONDS: '5',
          ...probes.env({ media: false }),
        },
        registry: {
          heartbeatMs: HEARTBEAT_MS,
          sfuEnv: {
            SFU_WORKERS: String(options.workers),
            LOG_LEVEL: 'warn',
            ...probes.env({ media: true }),
          },
        },
      },
    );
    const started = deployment;
    const processes: ServerProcess[] = [
      ...started.signaling.map((node, i) => ({
        name: `signaling-${i + 1}`,
        kind: 'signaling' as const,
        pid: node.child.pid!,
      })),
      ...started.sfu.map((node, i) => ({
        name: `sfu-${i + 1}`,
        kind: 'sfu' as const,
        pid: node.child.pid!,
      })),
    ];
    started.sfu.forEach((node, i) =>
      sfu.set(
        `sfu-${i + 1}`,
        createRemoteSfu({ url: node.url, secret: started.sfuSecret, log: testLogger() }),
      ),
    );
    redis = createClient({ url: redisServer.url });
    redis.on('error', () => undefined);
    await redis.connect();
    return {
      urls: started.signaling.map((node) => node.url),
      processes,
      prefix: started.cluster.env['REDIS_PREFIX']!,
      redis,
      probes,
      sfu,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
