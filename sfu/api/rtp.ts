// Schemas for the mediasoup RTP/ICE/DTLS objects that cross the SFU boundary.
// They check the fields Veche relies on and tolerate the rest (looseObject), so
// a newer mediasoup or mediasoup-client can add fields without breaking us.
import { z } from 'zod';

export const mediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof mediaKindSchema>;

// fmtp parameters are strings or numbers; the input type stays as loose as
// mediasoup-client declares it (Record<string, unknown>) so its objects fit.
const codecParametersSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (parameters) =>
      Object.values(parameters).every((v) => typeof v === 'string' || typeof v === 'number'),
    'codec parameters are strings or numbers',
  );
const rtcpFeedbackSchema = z.looseObject({
  type: z.string().max(64),
  parameter: z.string().max(64).optional(),
});

export const rtpCodecCapabilitySchema = z.looseObject({
  kind: mediaKindSchema,
  mimeType: z.string().max(64),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  parameters: codecParametersSchema.optional(),
  rtcpFeedback: z.array(rtcpFeedbackSchema).max(32).optional(),
});

export const rtpHeaderExtensionSchema = z.looseObject({
  kind: mediaKindSchema,
  uri: z.string().max(256),
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(rtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z.array(rtpHeaderExtensionSchema).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof rtpCapabilitiesSchema>;

const rtpCodecParametersSchema = z.looseObject({
  mimeType: z.string().max(64),
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: codecParametersSchema.optional(),
  rtcpFeedback: z.array(rtcpFeedbackSchema).max(32).optional(),
});

const rtpEncodingParametersSchema = z.looseObject({
  ssrc: z.number().int().nonnegative().optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: z.number().int().optional(),
  rtx: z.looseObject({ ssrc: z.number().int().nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(32).optional(),
  maxBitrate: z.number().nonnegative().optional(),
});

export const rtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(rtpCodecParametersSchema).min(1).max(32),
  headerExtensions: z
    .array(
      z.looseObject({
        uri: z.string().max(256),
        id: z.number().int().min(1).max(255),
        encrypt: z.boolean().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .max(32)
    .optional(),
  encodings: z.array(rtpEncodingParametersSchema).max(8).optional(),
  rtcp: z
    .looseObject({
      cname: z.string().max(256).optional(),
      reducedSize: z.boolean().optional(),
    })
    .optional(),
});
export type RtpParameters = z.infer<typeof rtpParametersSchema>;

export const dtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.looseObject({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof dtlsParametersSchema>;

export const iceParametersSchema = z.looseObject({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const iceCandidateSchema = z.looseObject({
  foundation: z.string(),
  priority: z.number(),
  address: z.string(),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int(),
  type: z.string(),
  tcpType: z.string().optional(),
});

export const webRtcTransportOptionsSchema = z.object({
  id: z.string(),
  iceParameters: iceParametersSchema,
  iceCandidates: z.array(iceCandidateSchema),
  dtlsParameters: dtlsParametersSchema,
});
export type WebRtcTransportOptions = z.infer<typeof webRtcTransportOptionsSchema>;

/** The SRTP keys of one end of a pipe between SFU nodes (mediasoup's SrtpParameters). */
export const srtpParametersSchema = z.looseObject({
  cryptoSuite: z.string().min(1).max(64),
  keyBase64: z.string().min(1).max(256),
});
export type SrtpParameters = z.infer<typeof srtpParametersSchema>;
