// The deployment a chaos run breaks, started by the run itself from the
// build (dist/: `npm run build:server`): its own Redis and PostgreSQL (never
// the shell's: it restarts them), two SFU nodes registered in Redis, two
// signaling nodes finding them there — and, where this machine allows it, a
// test host (a network namespace on a veth link) whose bot is impaired. With
// the test host the SFU nodes announce the link's address, so every bot
// reaches them over it (the namespace's one way in; the others' packets stay
// on this machine). Everything is removed at the end, also after a failure.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { nodeViewSchema, type NodeView } from '../../signaling/api/live.js';
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { createTestHost, netnsProblem, type TestHost } from '../harness/netns.js';
import { testLogger } from '../harness/sfu.js';
import {
  newSfuSecret,
  prepareServerBuild,
  startSfuNode,
  type SfuNodeProcess,
} from '../harness/sfuNode.js';
import { startChaosPostgres, startChaosRedis, type ChaosService } from './services.js';
import { createSignalingNode, type SignalingNode } from './signalingNode.js';

/**
 * Registry and presence beats (SFU_HEARTBEAT_MS, CLUSTER_HEARTBEAT_MS): the
 * product's default. An SFU node more than three beats late fences itself;
 * with shorter beats a node busy taking over every meeting on two loaded
 * cores was late by that much (2 s against 1.5 s) and dropped them all.
 */
export const HEARTBEAT_MS = 1000;
/** A dropped participant's place is kept this long (RECONNECT_GRACE_SECONDS). */
export const GRACE_SECONDS = 3;
/** An SFU peer outlives its owner's last lease renewal by this much (SFU_LEASE_SECONDS). */
export const LEASE_SECONDS = 4;

export interface SfuNode {
  readonly id: string;
  readonly process: SfuNodeProcess;
  readonly remote: RemoteSfu;
}

export interface ChaosDeployment {
  readonly redis: ChaosService;
  readonly postgres: ChaosService;
  readonly sfu: readonly SfuNode[];
  readonly signaling: readonly SignalingNode[];
  /** Where a bot on this machine reaches each signaling node. */
  readonly urls: readonly string[];
  /** The test host, or why there is none. */
  readonly testHost: TestHost | string;
  /** Bearer token of an office's staff member (bookings) or of an admin. */
  token(role: 'office' | 'admin'): Promise<string>;
  /** The SFU nodes carrying `room`, by id. */
  carriers(room: string): Promise<string[]>;
  /** Every signaling node lists every SFU node as SERVING (a restarted one under a new incarnation). */
  allServing(notIncarnation?: ReadonlyMap<string, string>): Promise<boolean>;
  /** The node as the first live signaling node lists it. */
  nodeView(id: string): Promise<NodeView | undefined>;
  /** Stops everything (idempotent); keeps the SFU nodes' logs when `keepLogs`, returning their paths. */
  stop(options?: { keepLogs?: boolean }): Promise<string[]>;
}

const nodesAnswer = z.object({ nodes: z.array(nodeViewSchema) });
const secret = () => randomBytes(32).toString('base64url');

async function listNodes(url: string, token: string): Promise<NodeView[] | undefined> {
  const res = await fetch(`${url}/api/admin/nodes`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const parsed = nodesAnswer.safeParse(await res.json());
  return parsed.success ? parsed.data.nodes : undefined;
}

async function maybeTestHost(): Promise<TestHost | string> {
  const problem = await netnsProblem();
  if (problem) return problem;
  return createTestHost().catch((error: Error) => `cannot make a test host: ${error.message}`);
}

export async function startChaosDeployment(
  log: (line: string) => void,
  options: { testHost: boolean } = { testHost: true },
): Promise<ChaosDeployment> {
  const problem = prepareServerBuild();
  if (problem) throw new Error(`cannot start the deployment: ${problem}`);
  const dir = await mkdtemp(join(tmpdir(), 'veche-chaos-'));
  // The signaling nodes' logs, kept apart from their data: kept when a round failed.
  const logDir = await mkdtemp(join(tmpdir(), 'veche-chaos-logs-'));
  const sfu: SfuNode[] = [];
  const signaling: SignalingNode[] = [];
  let redis: ChaosService | undefined;
  let postgres: ChaosService | undefined;
  let testHost: TestHost | string = 'not made';
  let stopping: Promise<string[]> | undefined;
  const stop = ({ keepLogs = false } = {}) =>
    (stopping ??= (async () => {
      for (const node of signaling) await node.kill('SIGKILL').catch(() => undefined);
      for (const node of sfu) {
        await node.remote.close().catch(() => undefined);
        await node.process.kill('SIGKILL').catch(() => undefined);
      }
      await redis?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      if (typeof testHost !== 'string') await testHost.remove().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      const sfuLogs = sfu.map((node) => node.process.logFile);
      const logs = [...sfuLogs, ...signaling.map((node) => node.logFile)];
      if (keepLogs) return logs;
      for (const file of sfuLogs) await rm(dirname(file), { recursive: true, force: true });
      await rm(logDir, { recursive: true, force: true });
      return [];
    })());
  try {
    testHost = options.testHost ? await maybeTestHost() : 'not asked for (--no-link)';
    if (typeof testHost === 'string') log(`no test host: ${testHost}`);
    redis = await startChaosRedis();
    postgres = await startChaosPostgres();
    const sfuSecret = newSfuSecret();
    const jwtSecret = secret();
    const media: Record<string, string> =
      typeof testHost === 'string'
        ? {}
        : { RTC_LISTEN_IP: '0.0.0.0', RTC_ANNOUNCED_ADDRESS: testHost.hostIp };
    for (const id of ['sfu-1', 'sfu-2']) {
      const process = await startSfuNode({
        secret: sfuSecret,
        env: {
          SFU_NODE_ID: id,
          REDIS_URL: redis.url,
          SFU_HEARTBEAT_MS: String(HEARTBEAT_MS),
          LOG_LEVEL: 'info',
          ...media,
        },
      });
      const remote = createRemoteSfu({ url: process.url, secret: sfuSecret, log: testLogger() });
      sfu.push({ id, process, remote });
    }
    const env = {
      REDIS_URL: redis.url,
      DATABASE_URL: postgres.url,
      SFU_NODES: 'registry',
      SFU_SECRET: sfuSecret,
      SFU_HEARTBEAT_MS: String(HEARTBEAT_MS),
      CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
      SFU_LEASE_SECONDS: String(LEASE_SECONDS),
      SIGNALING_DRAIN_SECONDS: '2',
      // Into the log files only: what a failed round is diagnosed from.
      LOG_LEVEL: 'info',
      JWT_SECRET: jwtSecret,
      INVITE_SECRET: secret(),
      RESUME_SECRET: secret(),
      AUDIT_CHECKPOINT_KEY: secret(),
    };
    for (const name of ['signaling-1', 'signaling-2']) {
      const node = await createSignalingNode(
        name,
        join(dir, name),
        join(logDir, `${name}.log`),
        env,
      );
      signaling.push(node);
      await node.start();
    }
    const token = (role: 'office' | 'admin') =>
      new SignJWT({
        name: role === 'admin' ? 'Chaos Admin' : 'Chaos Office',
        role: role === 'admin' ? 'admin' : 'staff',
        ...(role === 'office' ? { office: 'chaos-office' } : {}),
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`chaos-${role}`)
        .setAudience('veche')
        .setIssuedAt()
        .setExpirationTime('12h')
        .sign(new TextEncoder().encode(jwtSecret));
    const adminToken = await token('admin');
    const deployment: ChaosDeployment = {
      redis,
      postgres,
      sfu,
      signaling,
      urls: signaling.map((node) => node.url),
      testHost,
      token,
      async carriers(room) {
        const found: string[] = [];
        for (const node of sfu) {
          if (!node.remote.connected) continue;
          const seen = await node.remote
            .call('inspectRoom', { roomId: room })
            .catch(() => undefined);
          if (seen?.exists && seen.peers > 0) found.push(node.id);
        }
        return found;
      },
      async allServing(notIncarnation = new Map()) {
        for (const node of signaling) {
          if (!node.running()) return false;
          const nodes = await listNodes(node.url, adminToken);
          for (const { id } of sfu) {
            const view = nodes?.find((n) => n.id === id);
            if (view?.state !== 'SERVING' || view.incarnation === notIncarnation.get(id))
              return false;
          }
        }
        return sfu.every((node) => node.remote.connected);
      },
      async nodeView(id) {
        for (const node of signaling.filter((s) => s.running())) {
          const nodes = await listNodes(node.url, adminToken);
          if (nodes) return nodes.find((n) => n.id === id);
        }
        return undefined;
      },
      stop,
    };
    return deployment;
  } catch (error) {
    await stop({ keepLogs: true });
    throw error;
  }
}
