// What an SFU node tells the cluster about itself: the record it keeps in the
// registry (Redis) and renews every heartbeat. Signaling reads these records
// to find nodes, place rooms and peers, and show admins the cluster. Plain
// schemas, no I/O: the node writes them, signaling reads them.
import { z } from 'zod';

/** SERVING takes new rooms and peers; DRAINING keeps what it has and takes nothing new. */
export const nodeStateSchema = z.enum(['SERVING', 'DRAINING']);
export type NodeState = z.infer<typeof nodeStateSchema>;

export const workerRecordSchema = z.object({
  index: z.number().int().nonnegative(),
  pid: z.number().int(),
  routers: z.number().int().nonnegative(),
  transports: z.number().int().nonnegative(),
  producers: z.number().int().nonnegative(),
  consumers: z.number().int().nonnegative(),
  /** Bits per second over the last heartbeat interval, summed over the worker's transports. */
  bitrateIn: z.number().nonnegative(),
  bitrateOut: z.number().nonnegative(),
  /** Share of one core the worker used over the last heartbeat interval (0–1; may pass 1 briefly). */
  cpu: z.number().nonnegative(),
  /** Takes no new rooms while any other worker of the node does. */
  draining: z.boolean(),
});
export type WorkerRecord = z.infer<typeof workerRecordSchema>;

export const nodeRecordSchema = z.object({
  /** Stable name (SFU_NODE_ID). */
  nodeId: z.string().min(1).max(128),
  /** New on every start: a node declared dead that comes back is recognised. */
  incarnation: z.string().min(1).max(64),
  /** The internal endpoint signaling connects to (http:// or https://). */
  internalUrl: z.string().url(),
  /** The address browsers reach its media ports on (RTC_ANNOUNCED_ADDRESS or the listen IP). */
  mediaAddress: z.string().min(1),
  /** Where other nodes reach its pipe transports (PIPE_ANNOUNCED_ADDRESS or PIPE_LISTEN_IP). */
  pipeAddress: z.string().min(1),
  /** Veche's version, so an admin sees a mixed deployment during an upgrade. */
  version: z.string().min(1).max(64),
  state: nodeStateSchema,
  /** SFU_CONSUMERS_PER_WORKER: consumers one worker is sized for. */
  consumersPerWorker: z.number().int().positive(),
  workers: z.array(workerRecordSchema),
  /** When the node wrote this record (epoch ms, the node's clock). */
  updatedAt: z.number().int(),
});
export type NodeRecord = z.infer<typeof nodeRecordSchema>;

/**
 * Where the records live in Redis (docs/state.md): one JSON string per node
 * that expires three beats after its last renewal, and a sorted set of node
 * ids (score: when the record expires, epoch ms) so readers list nodes
 * without SCAN. Beside them, the data marker: a random id without expiry,
 * set by whoever finds it missing; another one, or none, means Redis lost
 * its data (restarted empty), so a record that vanished did not lapse.
 */
export const registryKeys = (prefix: string) => ({
  node: (nodeId: string) => `${prefix}sfu:node:${nodeId}`,
  index: `${prefix}sfu:nodes`,
  marker: `${prefix}incarnation`,
});

/** A record is gone after this many heartbeats without a renewal. */
export const REGISTRY_MISSED_BEATS = 3;
