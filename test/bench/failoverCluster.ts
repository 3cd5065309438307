// The deployment `bench:failover` runs against, as the cluster tier starts
// it: Redis and PostgreSQL (REDIS_URL / DATABASE_URL when given), two SFU
// nodes registered in Redis (300 ms heartbeats), two signaling nodes. The
// bench reaches each SFU node through a remote client of its own (which
// node carries a room) and the signaling nodes through the admin REST API
// (what each of them counts as a live node) and the admin CLI (drain).
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { nodeViewSchema, type NodeView } from '../../signaling/api/live.js';
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { runAdmin, type AdminRun } from '../harness/adminCli.js';
import { adminToken, startDeployment, type Deployment } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger } from '../harness/sfu.js';
import type { SfuNodeProcess } from '../harness/sfuNode.js';

const HEARTBEAT_MS = 300;
const GRACEFUL_STOP_MS = 30_000;
const nodesAnswer = z.object({ nodes: z.array(nodeViewSchema) });

export interface BenchCluster {
  readonly deployment: Deployment;
  /** The SFU node ids, in start order (`sfu-1`, `sfu-2`). */
  readonly nodeIds: readonly string[];
  process(nodeId: string): SfuNodeProcess;
  /** The nodes carrying `room` (inspectRoom says it exists), each with its peer count. */
  carriers(room: string): Promise<Map<string, number>>;
  /** The node as the first signaling node lists it, if it does. */
  nodeView(nodeId: string): Promise<NodeView | undefined>;
  /**
   * Resolves once every signaling node lists the node as SERVING (with an
   * incarnation other than `not`, after a restart) and our own client to it
   * is connected again.
   */
  waitServing(nodeId: string, timeoutMs: number, not?: string): Promise<void>;
  /** `npm run admin -- <args>` against the first signaling node, as an admin. */
  admin(args: string[]): Promise<AdminRun>;
  /**
   * Stops every process the bench started; safe to call more than once.
   * The SFU nodes' log files are removed unless `keepLogs` (a round failed:
   * they say why), and their paths returned. `hard`: every node process is
   * killed at once (the run was interrupted), not drained.
   */
  stop(options?: { keepLogs?: boolean; hard?: boolean }): Promise<string[]>;
}

export async function poll(
  predicate: () => Promise<boolean> | boolean,
  message: string,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function startBenchCluster(): Promise<BenchCluster> {
  let redis: TestRedis | undefined;
  let postgres: PostgresServer | undefined;
  let deployment: Deployment | undefined;
  const remotes = new Map<string, RemoteSfu>();
  let stopping: Promise<string[]> | undefined;
  /** SIGKILL for every node process: no drain, nothing to wait for. */
  const killAll = async () => {
    for (const node of deployment?.signaling ?? []) await node.kill('SIGKILL');
    for (const node of deployment?.sfu ?? []) await node.kill('SIGKILL');
  };
  const stop = ({ keepLogs = false, hard = false } = {}) =>
    (stopping ??= (async () => {
      for (const remote of remotes.values()) await remote.close().catch(() => undefined);
      if (hard) await killAll();
      // A graceful stop drains the signaling nodes first; one that does not
      // exit in time is killed, so the run stays bounded.
      const late = setTimeout(() => void killAll(), GRACEFUL_STOP_MS);
      await deployment?.stop().catch(() => undefined);
      clearTimeout(late);
      // A restart under way when we were interrupted may have started its
      // process after the deployment stopped.
      await killAll();
      await redis?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      const logs = (deployment?.sfu ?? []).map((node) => node.logFile);
      if (keepLogs) return logs;
      for (const log of logs) await rm(dirname(log), { recursive: true, force: true });
      return [];
    })());

  try {
    redis = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env: { CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS) },
        registry: { heartbeatMs: HEARTBEAT_MS },
      },
    );
    const started = deployment;
    started.sfu.forEach((node, i) =>
      remotes.set(
        `sfu-${i + 1}`,
        createRemoteSfu({ url: node.url, secret: started.sfuSecret, log: testLogger() }),
      ),
    );
    const nodeIds = [...remotes.keys()];
    const token = await adminToken(started.cluster);
    const adminEnv = { VECHE_URL: started.signaling[0]!.url, VECHE_TOKEN: token };

    const listedBy = async (url: string): Promise<NodeView[]> => {
      const res = await fetch(`${url}/api/admin/nodes`, {
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      if (!res?.ok) return [];
      const parsed = nodesAnswer.safeParse(await res.json());
      return parsed.success ? parsed.data.nodes : [];
    };

    const cluster: BenchCluster = {
      deployment: started,
      nodeIds,
      process: (nodeId) => started.sfu[nodeIds.indexOf(nodeId)]!,
      async carriers(room) {
        const found = new Map<string, number>();
        for (const [id, remote] of remotes) {
          if (!remote.connected) continue;
          const seen = await remote.call('inspectRoom', { roomId: room }).catch(() => undefined);
          if (seen?.exists) found.set(id, seen.peers);
        }
        return found;
      },
      async nodeView(nodeId) {
        return (await listedBy(started.signaling[0]!.url)).find((n) => n.id === nodeId);
      },
      async waitServing(nodeId, timeoutMs, not) {
        await poll(
          async () => {
            for (const node of started.signaling) {
              const view = (await listedBy(node.url)).find((n) => n.id === nodeId);
              if (view?.state !== 'SERVING' || (not !== undefined && view.incarnation === not))
                return false;
            }
            return remotes.get(nodeId)!.connected;
          },
          `${nodeId} listed as SERVING by every signaling node`,
          timeoutMs,
          200,
        );
      },
      admin: (args) => runAdmin(args, adminEnv),
      stop,
    };
    for (const id of nodeIds) await cluster.waitServing(id, 30_000);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
