// Wire shapes of the relay (TURN) check under /api/admin/turn/probe: an admin
// opens a probe on an SFU node, gets fresh TURN credentials with it, connects
// a relay-only WebRTC transport to it and counts what arrives; then deletes it.
import { z } from 'zod';
import {
  dtlsParametersSchema,
  iceProbeDataConsumerSchema,
  iceProbeTransportSchema,
  rtpCapabilitiesSchema,
} from '../../../sfu/api/index.js';

export const turnProbeRequestSchema = z.strictObject({
  nodeId: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('The SFU node to probe (as /api/admin/nodes names it); default: the least loaded'),
});
export type TurnProbeRequest = z.infer<typeof turnProbeRequestSchema>;

export const turnIceServerSchema = z.object({
  urls: z.array(z.string()),
  username: z.string(),
  credential: z.string(),
});

export const turnProbeSchema = z.object({
  probeId: z.string(),
  nodeId: z.string(),
  /** The probe closes itself this long after it opened. */
  expiresInMs: z.number().int(),
  iceServers: z
    .array(turnIceServerSchema)
    .describe('Fresh short-lived TURN credentials; empty when no TURN server is configured'),
  routerRtpCapabilities: rtpCapabilitiesSchema,
  transport: iceProbeTransportSchema,
  dataConsumer: iceProbeDataConsumerSchema,
});
export type TurnProbe = z.infer<typeof turnProbeSchema>;

export const turnProbeConnectSchema = z.strictObject({ dtlsParameters: dtlsParametersSchema });
export type TurnProbeConnect = z.infer<typeof turnProbeConnectSchema>;

export const turnProbeParamsSchema = z.object({ probeId: z.string().min(1).max(128) });
