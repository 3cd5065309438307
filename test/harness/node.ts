// A signaling node as its own process (the real main.ts, run from source),
// for the cluster tier: several nodes on loopback sharing one Redis and one
// PostgreSQL database, each with a data folder of its own, as a deployment
// runs them.
import { SignJWT } from 'jose';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import type { PostgresServer } from './postgres.js';
import type { TestRedis } from './redis.js';
import { newSfuSecret, startSfuNode, type SfuNodeProcess } from './sfuNode.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** Lines the process wrote (JSON logs), for diagnosing failures. */
  output: string[];
  /** Sends one signal and waits for the process to exit (SIGTERM: it drains first). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops the node without waiting for its clients to move on: SIGTERM, and
   * once it drains (not ready), a second SIGTERM that ends the wait.
   */
  stop(): Promise<void>;
}

export interface NodeOptions {
  /**
   * Runs the build (`dist/signaling/main.js`, as `npm start` does) instead of
   * the sources: it starts faster and serves the built web client.
   */
  fromBuild?: boolean;
}

export async function startNode(
  env: Record<string, string>,
  options: NodeOptions = {},
): Promise<NodeProcess> {
  const port = await freePort();
  const rtcPort = await freePort();
  const entry = options.fromBuild
    ? ['dist/signaling/main.js']
    : ['--import', 'tsx', 'signaling/main.ts'];
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      RTC_PORT: String(rtcPort),
      SFU_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`node exited (${child.exitCode}):\n${output.join('')}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node did not come up:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      while (child.exitCode === null && child.signalCode === null) {
        const ready = await fetch(`${url}/readyz`).then(
          (res) => res.ok,
          () => false,
        );
        if (!ready) {
          child.kill('SIGTERM');
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await exited;
    },
  };
}

export interface Cluster {
  /** The environment every node of this deployment shares (DATABASE_URL, REDIS_PREFIX…). */
  readonly env: Readonly<Record<string, string>>;
  /** Starts one more node of this deployment (its own data folder). */
  start(env?: Record<string, string>): Promise<NodeProcess>;
  /** Kills every node and removes their data folders. */
  stop(): Promise<void>;
}

/**
 * One deployment: its own key prefix in the Redis, its own database on the
 * PostgreSQL, and secrets every node shares (given in the environment, and
 * in each node's secrets file for releases that read only that).
 */
export async function startCluster(
  services: { redis: TestRedis; postgres: PostgresServer },
  env: Record<string, string> = {},
  options: NodeOptions = {},
): Promise<Cluster> {
  const root = await mkdtemp(join(tmpdir(), 'veche-cluster-'));
  const secret = () => randomBytes(32).toString('base64url');
  const secrets = { jwtSecret: secret(), inviteSecret: secret(), resumeSecret: secret() };
  const shared = {
    REDIS_URL: services.redis.url,
    REDIS_PREFIX: `${services.redis.prefix}${randomUUID().slice(0, 8)}:`,
    DATABASE_URL: await services.postgres.createDatabase(),
    JWT_SECRET: secrets.jwtSecret,
    INVITE_SECRET: secrets.inviteSecret,
    RESUME_SECRET: secrets.resumeSecret,
    ...env,
  };
  const nodes: NodeProcess[] = [];
  return {
    env: shared,
    async start(extra = {}) {
      const dataDir = join(root, `node-${nodes.length + 1}`);
      await mkdir(dataDir, { mode: 0o700 });
      await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ version: 1, ...secrets }), {
        mode: 0o600,
      });
      const node = await startNode({ ...shared, DATA_DIR: dataDir, ...extra }, options);
      nodes.push(node);
      return node;
    },
    async stop() {
      for (const node of nodes) await node.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface Deployment {
  readonly cluster: Cluster;
  /** The signaling nodes, in start order (each with SFU_NODES naming every SFU node). */
  readonly signaling: NodeProcess[];
  /** The SFU nodes (`npm run sfu`), in start order. */
  readonly sfu: SfuNodeProcess[];
  /** The secret the SFU nodes and the signaling nodes share. */
  readonly sfuSecret: string;
  /** Kills every process and removes their data. */
  stop(): Promise<void>;
}

/**
 * A deployment as operators run it with separate media: `sfuNodes` SFU node
 * processes, then `signalingNodes` signaling processes sharing one Redis and
 * one PostgreSQL, each with SFU_NODES listing every SFU node and the shared
 * SFU_SECRET (the signaling nodes then run no mediasoup workers of their own).
 * Every process runs the build, made first when the sources are newer.
 */
export async function startDeployment(
  services: { redis: TestRedis; postgres: PostgresServer },
  options: {
    signalingNodes: number;
    sfuNodes: number;
    env?: Record<string, string>;
    /**
     * The SFU nodes register in Redis and signaling finds them there
     * (SFU_NODES=registry) instead of a fixed list; `sfuEnv` goes to every
     * SFU node (SFU_WORKERS, SFU_CONSUMERS_PER_WORKER…).
     */
    registry?: { heartbeatMs: number; sfuEnv?: Record<string, string> };
  },
): Promise<Deployment> {
  const sfuSecret = newSfuSecret();
  const sfu: SfuNodeProcess[] = [];
  const signaling: NodeProcess[] = [];
  let cluster: Cluster | undefined;
  const stop = async () => {
    await cluster?.stop();
    for (const node of sfu) await node.kill('SIGKILL');
  };
  try {
    if (options.registry) {
      const heartbeat = String(options.registry.heartbeatMs);
      cluster = await startCluster(
        services,
        {
          SFU_NODES: 'registry',
          SFU_SECRET: sfuSecret,
          SFU_HEARTBEAT_MS: heartbeat,
          ...options.env,
        },
        { fromBuild: true },
      );
      for (let i = 0; i < options.sfuNodes; i += 1) {
        const env = {
          SFU_NODE_ID: `sfu-${i + 1}`,
          REDIS_URL: services.redis.url,
          REDIS_PREFIX: cluster.env['REDIS_PREFIX'] as string,
          SFU_HEARTBEAT_MS: heartbeat,
          ...options.registry.sfuEnv,
        };
        sfu.push(await startSfuNode({ secret: sfuSecret, env }));
      }
    } else {
      for (let i = 0; i < options.sfuNodes; i += 1) {
        sfu.push(await startSfuNode({ secret: sfuSecret, env: { SFU_NODE_ID: `sfu-${i + 1}` } }));
      }
      cluster = await startCluster(
        services,
        { SFU_NODES: sfu.map((node) => node.url).join(','), SFU_SECRET: sfuSecret, ...options.env },
        { fromBuild: true },
      );
    }
    for (let i = 0; i < options.signalingNodes; i += 1) signaling.push(await cluster.start());
  } catch (error) {
    await stop();
    throw error;
  }
  return { cluster, signaling, sfu, sfuSecret, stop };
}

/**
 * One signaling node with its media on one SFU node, both processes from the
 * build, and nothing shared beyond them: the embedded database in its data
 * folder, no Redis. The smallest deployment with separate media.
 */
export async function startSfuNodePair(): Promise<{
  signaling: NodeProcess;
  sfu: SfuNodeProcess;
  secret: string;
  stop(): Promise<void>;
}> {
  const secret = newSfuSecret();
  const sfu = await startSfuNode({ secret });
  const dataDir = await mkdtemp(join(tmpdir(), 'veche-node-'));
  let signaling: NodeProcess;
  try {
    signaling = await startNode(
      // The shell's services are for the tiers that ask for them, not this node.
      {
        SFU_NODES: sfu.url,
        SFU_SECRET: secret,
        DATA_DIR: dataDir,
        REDIS_URL: '',
        DATABASE_URL: '',
      },
      { fromBuild: true },
    );
  } catch (error) {
    await sfu.kill('SIGKILL');
    throw error;
  }
  return {
    signaling,
    sfu,
    secret,
    async stop() {
      await signaling.stop();
      await sfu.kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A staff token of the deployment's admin (signed with its shared JWT_SECRET). */
export function adminToken(cluster: Cluster, subject = 'root'): Promise<string> {
  return new SignJWT({ name: 'Админ', role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setAudience('veche')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(cluster.env['JWT_SECRET']));
}
