// The node's entry in the cluster's registry (Redis; key schema in
// docs/state.md): its record — addresses, state, workers and their load — is
// written at start and renewed every heartbeat with a lifetime of three
// beats, so a node that dies leaves the registry on its own; a clean stop
// removes it at once. A node that was away longer than that lifetime (its
// record expired, or another incarnation's replaced it) may have been counted
// gone and its rooms moved elsewhere: it fences itself (onLapse) and
// registers again as a new incarnation. A record that vanished with all of
// Redis's data (a restart of a Redis that keeps nothing on disk) within that
// lifetime is no lapse: signaling keeps the node meanwhile, and the node
// writes its record again as the same incarnation.
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { z } from 'zod';
import type { SfuApi } from '../api/index.js';
import {
  REGISTRY_MISSED_BEATS,
  nodeRecordSchema,
  registryKeys,
  type NodeRecord,
} from '../api/registry.js';
import { sampleOf, workerRecords, type LoadSample } from './registryLoad.js';
import { createRenewalWatch } from './renewalWatch.js';

/**
 * Removes the record only if this incarnation wrote it: a node restarted
 * before its old process finished stopping keeps the new record.
 */
const REMOVE_OWN = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 0
end
local ok, record = pcall(cjson.decode, v)
if ok and type(record) == 'table' and record.incarnation == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
return 0
`;

/**
 * Writes the record and its index entry. The first write of an incarnation
 * ('register') replaces whatever is there (a restarted node's predecessor);
 * a renewal stores only over this incarnation's own record, and answers
 * 'expired' (none: it lapsed) or 'replaced' (another incarnation's) instead —
 * unless the record vanished with all of Redis's data (the data marker is
 * not the one this node knew: Redis restarted empty), which is no lapse: the
 * record is stored again ('restored'). Answers the outcome and the marker
 * (set first when missing).
 * KEYS: record, index, marker. ARGV: incarnation, record JSON, lifetime ms,
 * index score, node id, mode, the marker known ('' before the first write),
 * a new marker to set if there is none.
 */
const STORE = `
local marker = redis.call('GET', KEYS[3])
if not marker then
  marker = ARGV[8]
  redis.call('SET', KEYS[3], marker)
end
local v = redis.call('GET', KEYS[1])
local outcome = 'stored'
if ARGV[6] == 'renew' then
  if not v then
    if ARGV[7] == '' or marker == ARGV[7] then return {'expired', marker} end
    outcome = 'restored'
  else
    local ok, record = pcall(cjson.decode, v)
    if not (ok and type(record) == 'table' and record.incarnation == ARGV[1]) then
      return {'replaced', marker}
    end
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return {outcome, marker}
`;
const storeOutcomeSchema = z.tuple([
  z.enum(['stored', 'restored', 'expired', 'replaced']),
  z.string(),
]);

/**
 * Why the record may no longer stand for this incarnation: the node was away
 * past the record's lifetime since its last renewal ('late', seen before the
 * record is even looked at), or a renewal found it gone or another's.
 */
export type LapseCause = 'late' | 'expired' | 'replaced';

export interface RegistryLapse {
  cause: LapseCause;
  /** Time since the last renewal was sent, ms (monotonic clock). */
  awayMs: number;
  /** The record's lifetime, ms: three beats. */
  boundMs: number;
}

export interface RegistryLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface NodeRegistration {
  /** The record as last written. */
  record(): NodeRecord | undefined;
  /** Writes the record now (the state may have changed) and keeps beating. */
  beat(): Promise<void>;
  /**
   * Fences the node first if it has been away past the record's lifetime
   * (onLapse, then registers the new incarnation); answers the incarnation
   * in force. Cheap: the endpoint asks before every call.
   */
  check(): string;
  /** Stops beating and removes the record (a clean stop). */
  close(): Promise<void>;
}

export interface NodeRegistrationOptions {
  redis: Pick<RedisClientType, 'eval'>;
  prefix: string;
  heartbeatMs: number;
  sfu: Pick<SfuApi, 'call'>;
  /** The node as it starts (its first incarnation). */
  node: Omit<NodeRecord, 'state' | 'workers' | 'updatedAt'>;
  /**
   * The record lapsed: the node fences itself (drops what it carried) and
   * answers its new incarnation, which is registered from then on.
   */
  onLapse(lapse: RegistryLapse): string;
  log: RegistryLogger;
  /** Wall clock of the record's `updatedAt` (epoch ms). */
  now?: () => number;
  /** Monotonic clock the time since the last renewal is measured on (ms). */
  monotonic?: () => number;
}

export async function registerNode(options: NodeRegistrationOptions): Promise<NodeRegistration> {
  const { redis, heartbeatMs, sfu, log } = options;
  const now = options.now ?? Date.now;
  const keys = registryKeys(options.prefix);
  const key = keys.node(options.node.nodeId);
  const ttlMs = REGISTRY_MISSED_BEATS * heartbeatMs;
  const watch = createRenewalWatch(ttlMs, options.monotonic);
  let incarnation = options.node.incarnation;
  let previous: LoadSample | undefined;
  let last: NodeRecord | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failing = false;
  /** The data marker as last seen ('' before the first write). */
  let marker = '';
  /** One write at a time: a beat asked for during one follows it. */
  let writing: Promise<void> = Promise.resolve();

  function lapse(cause: LapseCause, awayMs: number): void {
    if (cause === 'replaced') {
      log.error(
        { nodeId: options.node.nodeId },
        'another process registered as this node: SFU_NODE_ID must be unique',
      );
    }
    watch.forget();
    incarnation = options.onLapse({ cause, awayMs, boundMs: ttlMs });
  }

  /** Fences if away too long; answers whether it did. */
  function fenceIfOverdue(): boolean {
    if (closed) return false;
    const away = watch.overdue();
    if (away === undefined) return false;
    lapse('late', away);
    return true;
  }

  async function store(record: NodeRecord, mode: 'register' | 'renew') {
    const reply = await redis.eval(STORE, {
      keys: [key, keys.index, keys.marker],
      arguments: [
        record.incarnation,
        JSON.stringify(record),
        String(ttlMs),
        String(record.updatedAt + ttlMs),
        record.nodeId,
        mode,
        marker,
        randomUUID(),
      ],
    });
    const [outcome, seen] = storeOutcomeSchema.parse(reply);
    marker = seen;
    return outcome;
  }

  async function write(): Promise<void> {
    fenceIfOverdue();
    const load = await sfu.call('getLoad', {});
    const at = now();
    const as = incarnation;
    const record = nodeRecordSchema.parse({
      ...options.node,
      incarnation: as,
      state: load.state,
      workers: workerRecords(load, previous, at),
      updatedAt: at,
    });
    previous = sampleOf(load, at);
    if (closed) return;
    const mode = watch.registered() ? 'renew' : 'register';
    const sentAt = watch.now();
    const outcome = await store(record, mode);
    // Fenced while it was sent: the next write is the new incarnation's.
    if (as !== incarnation) return;
    if (outcome === 'expired' || outcome === 'replaced') {
      lapse(outcome, watch.since() ?? 0);
      return write(); // the new incarnation registers at once
    }
    // Within the record's lifetime, signaling keeps the node while it registers again.
    if (outcome === 'restored') log.warn({}, 'registered again: Redis lost its data');
    watch.renewed(sentAt);
    last = record;
    if (failing) log.info({}, 'registry heartbeat restored');
    failing = false;
  }

  function beat(): Promise<void> {
    writing = writing.then(write, write).catch((error: unknown) => {
      // Redis away: keep beating. Back within the record's lifetime, the node
      // carries on; later, it fences itself first (the record expired meanwhile).
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
    check() {
      // Registered again at once, not a beat later.
      if (fenceIfOverdue()) void beat();
      return incarnation;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await writing;
      await redis.eval(REMOVE_OWN, {
        keys: [key, keys.index],
        arguments: [incarnation, options.node.nodeId],
      });
    },
  };
}
