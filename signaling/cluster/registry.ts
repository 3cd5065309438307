// The SFU nodes' registry in Redis, read by signaling: every node keeps a
// NodeRecord there and renews it every SFU_HEARTBEAT_MS (sfu/node/registry.ts
// writes it; key schema in docs/state.md). This is the NodeDirectory of
// SFU_NODES=registry: a snapshot is read on demand, and the live set is
// polled every beat to tell listeners when nodes come and go.
import type { RedisClientType } from 'redis';
import {
  REGISTRY_MISSED_BEATS,
  nodeRecordSchema,
  registryKeys,
  type NodeRecord,
} from '../../sfu/api/registry.js';
import type { Logger } from '../core/logger.js';
import type { NodeDirectory } from './nodeDirectory.js';
import type { RedisIncarnation } from './redisIncarnation.js';

/** Index entries whose record expired this long ago are removed by readers. */
const INDEX_SWEEP_AFTER_MS = 60_000;

export interface RegistryDirectoryOptions {
  redis: Pick<RedisClientType, 'zRange' | 'mGet' | 'zRemRangeByScore'>;
  prefix: string;
  /** SFU_HEARTBEAT_MS: how often nodes renew their records, and how often this polls. */
  heartbeatMs: number;
  log: Logger;
  /** The clock records' `updatedAt` is compared with (tests). */
  now?: () => number;
  /**
   * Tells whether Redis lost its data (restarted empty): then every record
   * vanished at once, though no node stopped, until each registers again at
   * its next beat. Without it, a vanished record is a node gone.
   */
  incarnation?: RedisIncarnation;
}

/** What makes a change worth telling listeners about (load alone is not). */
const shape = (nodes: readonly NodeRecord[]): string =>
  JSON.stringify(
    nodes.map((n) => [
      n.nodeId,
      n.incarnation,
      n.state,
      n.internalUrl,
      n.mediaAddress,
      n.pipeAddress,
      n.workers.length,
    ]),
  );

export interface RegistryDirectory extends NodeDirectory {
  /**
   * Every node with a fresh record, unreachable ones included: whether a node
   * left the registry (drop its client) or only our connection to it dropped
   * (keep trying).
   */
  registered(): Promise<NodeRecord[]>;
}

export function createRegistryDirectory(options: RegistryDirectoryOptions): RegistryDirectory {
  const { redis, heartbeatMs } = options;
  const keys = registryKeys(options.prefix);
  const now = options.now ?? Date.now;
  const log = options.log.child({ component: 'sfu-registry' });
  const staleAfterMs = REGISTRY_MISSED_BEATS * heartbeatMs;
  /** Node id → the incarnation whose connection dropped. */
  const unreachable = new Map<string, string>();
  /** Malformed records already logged (by key and content), so a bad one is logged once. */
  const reported = new Set<string>();
  const listeners = new Set<(nodes: NodeRecord[]) => void>();
  let lastShape: string | undefined;
  let last: NodeRecord[] = [];
  /** The registered nodes as last read, by id. */
  let lastRegistered = new Map<string, NodeRecord>();
  /** Until then, records that vanished with Redis's data count while fresh (epoch ms). */
  let holdUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function read(): Promise<NodeRecord[]> {
    const live: NodeRecord[] = [];
    for (const record of await readRegistered()) {
      const cut = unreachable.get(record.nodeId);
      if (cut !== undefined) {
        if (cut === record.incarnation) continue;
        unreachable.delete(record.nodeId); // a new incarnation: its own connection decides
      }
      live.push(record);
    }
    return live;
  }

  async function readRegistered(): Promise<NodeRecord[]> {
    const live = await readIndex();
    const at = now();
    const vanished = [...lastRegistered.values()].filter(
      (record) => !live.some((r) => r.nodeId === record.nodeId),
    );
    // Every record gone at once with Redis's data: no node stopped. Each one
    // still counts as long as a record of it would (three beats since its
    // last renewal) while the nodes register again, instead of their rooms
    // being moved off nodes that are running.
    if (vanished.length > 0 && (await options.incarnation?.check())) {
      holdUntil = at + staleAfterMs;
      log.warn({ nodes: vanished.map((r) => r.nodeId) }, 'registry emptied with Redis; nodes kept');
    }
    if (at < holdUntil) {
      for (const record of vanished) if (at - record.updatedAt <= staleAfterMs) live.push(record);
    }
    live.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    lastRegistered = new Map(live.map((record) => [record.nodeId, record]));
    return live;
  }

  async function readIndex(): Promise<NodeRecord[]> {
    const ids = await redis.zRange(keys.index, 0, -1);
    if (ids.length === 0) return [];
    const values = await redis.mGet(ids.map(keys.node));
    const at = now();
    const live: NodeRecord[] = [];
    for (const [i, value] of values.entries()) {
      if (value === null) continue; // expired: the node stopped beating
      const record = parse(ids[i] as string, value);
      if (!record) continue;
      if (at - record.updatedAt > staleAfterMs) continue;
      live.push(record);
    }
    // Readers keep the index small: ids whose records expired long ago go.
    void redis.zRemRangeByScore(keys.index, 0, at - INDEX_SWEEP_AFTER_MS).catch(() => undefined);
    return live;
  }

  function parse(id: string, value: string): NodeRecord | undefined {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      json = undefined;
    }
    const parsed = nodeRecordSchema.safeParse(json);
    if (parsed.success && parsed.data.nodeId === id) return parsed.data;
    const mark = `${id}\n${value}`;
    if (!reported.has(mark)) {
      if (reported.size > 1000) reported.clear();
      reported.add(mark);
      log.warn(
        {
          nodeId: id,
          problem: parsed.success ? 'the record names another node' : parsed.error.message,
        },
        'malformed SFU node record skipped',
      );
    }
    return undefined;
  }

  function publish(nodes: NodeRecord[]): void {
    last = nodes;
    const next = shape(nodes);
    if (next === lastShape) return;
    lastShape = next;
    for (const listener of [...listeners]) {
      try {
        listener(nodes);
      } catch (error) {
        log.error({ err: error }, 'registry listener threw');
      }
    }
  }

  async function poll(): Promise<void> {
    try {
      publish(await read());
    } catch (error) {
      log.warn({ err: error }, 'reading the SFU registry failed');
    }
  }

  function schedule(): void {
    if (closed || listeners.size === 0 || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void poll().finally(schedule);
    }, heartbeatMs);
    timer.unref();
  }

  return {
    registered: readRegistered,
    async snapshot() {
      const nodes = await read();
      if (listeners.size > 0) publish(nodes);
      return nodes;
    },
    onChange(listener) {
      listeners.add(listener);
      if (lastShape === undefined) void poll();
      schedule();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    markGone(nodeId, incarnation) {
      if (unreachable.get(nodeId) === incarnation) return;
      unreachable.set(nodeId, incarnation);
      log.warn({ nodeId, incarnation }, 'SFU node unreachable: out of the live set');
      publish(last.filter((n) => !(n.nodeId === nodeId && n.incarnation === incarnation)));
    },
    markReachable(nodeId) {
      if (!unreachable.delete(nodeId)) return;
      void poll();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
