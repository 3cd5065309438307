// The node's entry in the cluster's registry (Redis; key schema in
// docs/state.md): its record — addresses, state, workers and their load — is
// written at start and renewed every heartbeat with a lifetime of three
// beats, so a node that dies leaves the registry on its own; a clean stop
// removes it at once.
import type { RedisClientType } from 'redis';
import type { SfuApi } from '../api/index.js';
import {
  REGISTRY_MISSED_BEATS,
  nodeRecordSchema,
  registryKeys,
  type NodeRecord,
} from '../api/registry.js';
import { sampleOf, workerRecords, type LoadSample } from './registryLoad.js';

export interface RegistryLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface NodeRegistration {
  /** The record as last written. */
  record(): NodeRecord | undefined;
  /** Writes the record now (the state may have changed) and keeps beating. */
  beat(): Promise<void>;
  /** Stops beating and removes the record (a clean stop). */
  close(): Promise<void>;
}

export interface NodeRegistrationOptions {
  redis: Pick<RedisClientType, 'multi'>;
  prefix: string;
  heartbeatMs: number;
  sfu: Pick<SfuApi, 'call'>;
  node: Omit<NodeRecord, 'state' | 'workers' | 'updatedAt'>;
  log: RegistryLogger;
  now?: () => number;
}

export async function registerNode(options: NodeRegistrationOptions): Promise<NodeRegistration> {
  const { redis, heartbeatMs, sfu, log } = options;
  const now = options.now ?? Date.now;
  const keys = registryKeys(options.prefix);
  const key = keys.node(options.node.nodeId);
  const ttlMs = REGISTRY_MISSED_BEATS * heartbeatMs;
  let previous: LoadSample | undefined;
  let last: NodeRecord | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failing = false;
  /** One write at a time: a beat asked for during one follows it. */
  let writing: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    const load = await sfu.call('getLoad', {});
    const at = now();
    const record = nodeRecordSchema.parse({
      ...options.node,
      state: load.state,
      workers: workerRecords(load, previous, at),
      updatedAt: at,
    });
    previous = sampleOf(load, at);
    if (closed) return;
    await redis
      .multi()
      .set(key, JSON.stringify(record), { PX: ttlMs })
      .zAdd(keys.index, { score: at + ttlMs, value: record.nodeId })
      .exec();
    last = record;
    if (failing) log.info({}, 'registry heartbeat restored');
    failing = false;
  }

  function beat(): Promise<void> {
    writing = writing.then(write, write).catch((error: unknown) => {
      // Redis away: keep beating; the record expires meanwhile and comes back with Redis.
      if (!failing) log.warn({ err: error }, 'registry heartbeat failed');
      failing = true;
    });
    return writing;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => void beat().finally(schedule), heartbeatMs);
  }

  // The first write is awaited: a registry that refuses us (password) fails the start.
  await write();
  schedule();

  return {
    record: () => last,
    beat,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await writing;
      await redis.multi().del(key).zRem(keys.index, options.node.nodeId).exec();
    },
  };
}
