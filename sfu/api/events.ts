// Events the SFU pushes to the signaling plane.
import { z } from 'zod';

const id = z.string();

export const closeReasonSchema = z.enum([
  'producerClosed',
  'transportClosed',
  'peerClosed',
  'roomClosed',
  'workerDied',
]);
export type CloseReason = z.infer<typeof closeReasonSchema>;

export const sfuEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('consumerClosed'),
    roomId: id,
    peerId: id,
    consumerId: id,
    producerId: id,
    reason: closeReasonSchema,
  }),
  z.object({
    type: z.literal('consumerPaused'),
    roomId: id,
    peerId: id,
    consumerId: id,
    byProducer: z.boolean(),
  }),
  z.object({
    type: z.literal('consumerResumed'),
    roomId: id,
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
    roomId: id,
    peerId: id,
    transportId: id,
    reason: closeReasonSchema,
  }),
  z.object({
    type: z.literal('producerClosed'),
    roomId: id,
    peerId: id,
    producerId: id,
    reason: closeReasonSchema,
  }),
  /** The dominant speaker changed (peerId is the SFU's media id of that peer). */
  z.object({ type: z.literal('activeSpeaker'), roomId: id, peerId: id, producerId: id }),
  /** Who is audible, loudest first (dBov); empty once everyone is silent. */
  z.object({
    type: z.literal('audioLevels'),
    roomId: id,
    levels: z.array(z.object({ peerId: id, volume: z.number() })),
  }),
  /** The room's media is gone (its worker died); peers must rebuild transports. */
  z.object({ type: z.literal('roomMediaLost'), roomId: id, reason: closeReasonSchema }),
  z.object({
    type: z.literal('workerDied'),
    workerIndex: z.number().int(),
    pid: z.number().int(),
    replaced: z.boolean(),
  }),
]);
export type SfuEvent = z.infer<typeof sfuEventSchema>;
export type SfuEventListener = (event: SfuEvent) => void;
