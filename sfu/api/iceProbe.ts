// Schemas of the ICE probe: a short-lived WebRTC transport on a node's media
// ports that sends a steady stream of data-channel messages, so an admin's
// browser can prove a path to the SFU (through a TURN relay, say) carries
// traffic. Not part of any room; it closes itself.
import { z } from 'zod';
import { webRtcTransportOptionsSchema } from './rtp.js';

/** A probe lives at most this long, ms (it closes itself then). */
export const MAX_ICE_PROBE_TTL_MS = 120_000;

/** What the probe sends, and how often: about 20 kB/s, enough to show a path carries data. */
export const ICE_PROBE_MESSAGE_BYTES = 1000;
export const ICE_PROBE_INTERVAL_MS = 50;
/** The label and sub-protocol of the probe's data channel. */
export const ICE_PROBE_LABEL = 'veche-probe';
export const ICE_PROBE_PROTOCOL = 'veche-probe/1';

/**
 * One probe message (JSON text, padded with spaces to ICE_PROBE_MESSAGE_BYTES):
 * its sequence number from 0 and when the SFU sent it (epoch ms).
 */
export const iceProbeMessageSchema = z.object({
  seq: z.number().int().nonnegative(),
  sentAt: z.number(),
});
export type IceProbeMessage = z.infer<typeof iceProbeMessageSchema>;

export const iceProbeIdSchema = z.string().min(1).max(128);

/** mediasoup's SctpParameters of a transport (checked loosely like the other media shapes). */
export const sctpParametersSchema = z.looseObject({
  port: z.number().int(),
  OS: z.number().int(),
  MIS: z.number().int(),
  maxMessageSize: z.number().int(),
});

/** mediasoup's SctpStreamParameters of a data consumer. */
export const sctpStreamParametersSchema = z.looseObject({
  streamId: z.number().int().min(0).max(65535),
  ordered: z.boolean().optional(),
  maxPacketLifeTime: z.number().int().optional(),
  maxRetransmits: z.number().int().optional(),
});

/** The probe's transport as a receiving client creates its side of it. */
export const iceProbeTransportSchema = webRtcTransportOptionsSchema.extend({
  sctpParameters: sctpParametersSchema,
});

/** The data consumer the client consumes (mediasoup-client's consumeData options). */
export const iceProbeDataConsumerSchema = z.object({
  id: z.string(),
  dataProducerId: z.string(),
  sctpStreamParameters: sctpStreamParametersSchema,
  label: z.string(),
  protocol: z.string(),
});
