// Events the SFU pushes to the signaling plane.
import { z } from 'zod';

const id = z.string();

export const closeReasonSchema = z.enum([
  'producerClosed',
  'transportClosed',
  'peerClosed',
  'roomClosed',
  'workerDied',
  /** The owner's lease ran out (its signaling node stopped renewing it). */
  'leaseExpired',
  /** No owner holds the room any more. */
  'noOwner',
  /** The node drains with migration: the room is to be opened, and its peers placed, elsewhere. */
  'migrated',
]);
export type CloseReason = z.infer<typeof closeReasonSchema>;

/**
 * Every room-scoped event carries the room's epoch and a per-room sequence
 * number (1, 2, 3 … within an epoch). A subscriber that sees a gap or another
 * epoch calls `listProducers` and carries on from its answer.
 */
const inRoom = { roomId: id, epoch: id, seq: z.number().int().positive() };
const producerInfo = {
  peerId: id,
  producerId: id,
  kind: z.enum(['audio', 'video']),
  label: z.string(),
  paused: z.boolean(),
};

export const sfuEventSchema = z.discriminatedUnion('type', [
  /** A producer exists: every subscriber may consume it for its own peers. */
  z.object({ type: z.literal('producerOpened'), ...inRoom, ...producerInfo }),
  z.object({ type: z.literal('producerPaused'), ...inRoom, peerId: id, producerId: id }),
  z.object({ type: z.literal('producerResumed'), ...inRoom, peerId: id, producerId: id }),
  /** A peer is gone with all its media (closed, or reaped when its owner's lease ran out). */
  z.object({ type: z.literal('peerClosed'), ...inRoom, peerId: id, reason: closeReasonSchema }),
  /** The room is closed (asked for, or no owner holds it). */
  z.object({ type: z.literal('roomClosed'), ...inRoom, reason: closeReasonSchema }),
  z.object({
    type: z.literal('consumerClosed'),
    ...inRoom,
    peerId: id,
    consumerId: id,
    producerId: id,
    reason: closeReasonSchema,
  }),
  z.object({
    type: z.literal('consumerPaused'),
    ...inRoom,
    peerId: id,
    consumerId: id,
    byProducer: z.boolean(),
  }),
  z.object({
    type: z.literal('consumerResumed'),
    ...inRoom,
    peerId: id,
    consumerId: id,
    byProducer: z.boolean(),
  }),
  /**
   * A peer's transport closed (asked for, or its peer closed): its producers
   * and consumers went with it and report their own events.
   */
  z.object({
    type: z.literal('transportClosed'),
    ...inRoom,
    peerId: id,
    transportId: id,
    reason: closeReasonSchema,
  }),
  z.object({
    type: z.literal('producerClosed'),
    ...inRoom,
    peerId: id,
    producerId: id,
    reason: closeReasonSchema,
  }),
  /** The dominant speaker changed (peerId is the SFU's media id of that peer). */
  z.object({ type: z.literal('activeSpeaker'), ...inRoom, peerId: id, producerId: id }),
  /** Who is audible, loudest first (dBov); empty once everyone is silent. */
  z.object({
    type: z.literal('audioLevels'),
    ...inRoom,
    levels: z.array(z.object({ peerId: id, volume: z.number() })),
  }),
  /**
   * The room's media is gone (its worker died); peers must rebuild transports.
   * The room is rebuilt at once on another worker under `nextEpoch` (its
   * peers and owners kept, without media), when the node could do so.
   */
  z.object({
    type: z.literal('roomMediaLost'),
    ...inRoom,
    reason: closeReasonSchema,
    nextEpoch: id.optional(),
  }),
  /**
   * This node's end of the room's pipe toward `remoteNodeId` closed by
   * itself — what it carried of `producerId` (its producer closed, its last
   * consumer here went), or then the whole pipe, which carried nothing any
   * more. The other node's end is to be closed too (`closePipe` there with
   * this node as the remote). A closing room or a dying worker reports
   * `roomClosed` / `roomMediaLost` instead.
   */
  z.object({
    type: z.literal('pipeClosed'),
    ...inRoom,
    remoteNodeId: id,
    producerId: id.optional(),
  }),
  z.object({
    type: z.literal('workerDied'),
    workerIndex: z.number().int(),
    pid: z.number().int(),
    replaced: z.boolean(),
  }),
]);
export type SfuEvent = z.infer<typeof sfuEventSchema>;
type WithoutSequence<E> = E extends unknown ? Omit<E, 'epoch' | 'seq'> : never;
/** A room-scoped event as the room produces it, before it is stamped with its epoch and number. */
export type RoomEventInput = WithoutSequence<Extract<SfuEvent, { epoch: string }>>;
export type SfuEventListener = (event: SfuEvent) => void;
