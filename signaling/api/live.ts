// What the admin API needs from the running signaling node: SFU capacity and
// the live rooms. Signaling implements it (signaling/admin/liveAdmin.ts); the
// API only sees this interface, so it runs without a signaling server too.
import { z } from 'zod';
import { nodeStateSchema, workerLoadSchema, type DtlsParameters } from '../../sfu/api/index.js';
import type { TurnProbe } from '../protocol/api/turnProbe.js';

/** The SFU's own report of a worker, with CPU always present in the API (null: unknown). */
export const sfuWorkerSchema = workerLoadSchema.extend({ cpuMs: z.number().nullable() });
export type SfuWorkerView = z.infer<typeof sfuWorkerSchema>;

export const liveParticipantSchema = z.object({
  peerId: z.string(),
  name: z.string(),
  role: z.enum(['host', 'cohost', 'participant', 'guest']),
  guest: z.boolean(),
  /** Connection dropped; the place is kept for a while. */
  disconnected: z.boolean(),
  /** The SFU node this participant's media is on; null when not known. */
  node: z.string().nullable(),
});

export const liveRoomSchema = z.object({
  name: z.string(),
  participants: z.array(liveParticipantSchema),
  lobby: z.number().int(),
  locked: z.boolean(),
  /** When the first participant still present joined (ISO), null when nobody is in. */
  started: z.iso.datetime().nullable(),
});
export type LiveRoomView = z.infer<typeof liveRoomSchema>;

/** One SFU node as admins see it. */
export const nodeViewSchema = z.object({
  id: z.string(),
  /** New on every start of the node; null when the source does not say (a fixed list). */
  incarnation: z.string().nullable(),
  /** UNREACHABLE: the node did not answer just now. */
  state: z.union([nodeStateSchema, z.literal('UNREACHABLE')]),
  version: z.string().nullable(),
  /** Where signaling reaches it (null: inside this process). */
  internalUrl: z.string().nullable(),
  mediaAddress: z.string().nullable(),
  pipeAddress: z.string().nullable(),
  workers: z.array(sfuWorkerSchema),
  /** Consumers the node is sized for (workers × consumers per worker); null when unknown. */
  capacity: z.number().int().nullable(),
  /** Rooms whose media it carries, and the participants in them. */
  rooms: z.number().int(),
  peers: z.number().int(),
  /** Its rooms and participants can be moved to other nodes (drain with migration). */
  migratable: z.boolean(),
});
export type NodeView = z.infer<typeof nodeViewSchema>;

/** Who asks, for the audit log. */
export interface AdminActor {
  subject: string;
  ip: string | undefined;
}

export interface LiveAdmin {
  sfuLoad(): Promise<SfuWorkerView[]>;
  /** Drains (on) or undrains a worker; undefined when there is no such worker. */
  drain(index: number, on: boolean, actor: AdminActor): Promise<SfuWorkerView | undefined>;
  rooms(): Promise<LiveRoomView[]>;
  /** Ends the room's meeting for everyone; false when no such room is live. */
  closeRoom(name: string, actor: AdminActor): Promise<boolean>;
}

/** The admins' view of the whole cluster: its SFU nodes and the rooms meeting on any of them. */
export interface ClusterAdmin {
  nodes(): Promise<NodeView[]>;
  /**
   * Drains (on) or undrains a node; undefined when there is no such node.
   * `migrate` (with on): the node also closes its rooms so that they are
   * opened, and their participants' media rebuilt, on other nodes.
   */
  drainNode(
    id: string,
    on: boolean,
    actor: AdminActor,
    options?: { migrate?: boolean },
  ): Promise<NodeView | undefined>;
  /**
   * Whether a drain can move participants: only SFU nodes found in the
   * registry are placed by load; an embedded SFU or a fixed list would open
   * the rooms again on the same node.
   */
  readonly canMigrate: boolean;
  /** Live rooms of every signaling node (those this one can see), with each participant's SFU node. */
  rooms(): Promise<LiveRoomView[]>;
}

/**
 * The relay check: ICE probes on SFU nodes with fresh TURN credentials, for
 * an admin's browser (or the `turn check` CLI) to prove each TURN path.
 */
export interface TurnProbes {
  /** Opens a probe on that node (or the least loaded); undefined when there is no such node. */
  open(nodeId: string | undefined, actor: AdminActor): Promise<TurnProbe | undefined>;
  /** Connects the probe's transport; false when no such probe is open. */
  connect(probeId: string, dtlsParameters: DtlsParameters): Promise<boolean>;
  /** Closes the probe (idempotent). */
  close(probeId: string): Promise<void>;
}
