// What the admin API needs from the running signaling node: SFU capacity and
// the live rooms. Signaling implements it (signaling/admin/liveAdmin.ts); the
// API only sees this interface, so it runs without a signaling server too.
import { z } from 'zod';
import { workerLoadSchema } from '../../sfu/api/index.js';

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
