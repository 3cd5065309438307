// The client <-> signaling protocol: one zod schema per message, the types
// inferred from them. Imports nothing else of ours; web/ imports it too.
// Requests are socket.io events named by type with one payload and an ack
// that receives a Reply. Notifications are events named by type.
import { z } from 'zod';

/** Major.minor. A client with another major version must reload. */
export const PROTOCOL_VERSION = '1.0';
export const protocolMajor = (version: string): number => Number.parseInt(version, 10);

/** Largest request payload accepted, in bytes of JSON. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

// --- shared pieces ---------------------------------------------------------

/** 1–64 letters (any script, Cyrillic included), digits, '-' and '_'. */
export const roomNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'room names are letters, digits, - and _');

export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'no control characters');

const id = z.string().min(1).max(128);
export const mediaKindSchema = z.enum(['audio', 'video']);
export const mediaSourceSchema = z.enum(['mic', 'camera']);
export type MediaSource = z.infer<typeof mediaSourceSchema>;

// mediasoup(-client) objects: the fields we rely on are checked, the rest
// passes through untouched (browsers and library versions add fields).
const looseRecord = z.record(z.string(), z.unknown());
export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(looseRecord).max(64).optional(),
  headerExtensions: z.array(looseRecord).max(64).optional(),
});
export const rtpParametersSchema = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        mimeType: z.string().max(64),
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
      }),
    )
    .min(1)
    .max(32),
  encodings: z.array(looseRecord).max(8).optional(),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string().max(256), id: z.number().int().min(1).max(255) }))
    .max(32)
    .optional(),
  rtcp: looseRecord.optional(),
  mid: z.string().max(32).optional(),
});
export const dtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.looseObject({ algorithm: z.string(), value: z.string() }))
    .min(1)
    .max(8),
});
const transportOptionsSchema = z.object({
  id: z.string(),
  iceParameters: looseRecord,
  iceCandidates: z.array(looseRecord),
  dtlsParameters: looseRecord,
});

export const peerSchema = z.object({
  id,
  displayName: z.string(),
  producers: z.array(
    z.object({
      producerId: id,
      kind: mediaKindSchema,
      source: mediaSourceSchema,
      paused: z.boolean(),
    }),
  ),
});
export type PeerInfo = z.infer<typeof peerSchema>;

// --- errors ------------------------------------------------------------------

export const errorCodeSchema = z.enum([
  /** The payload does not match the message's schema. */
  'BAD_REQUEST',
  /** No such message type. */
  'UNKNOWN_MESSAGE',
  /** The payload is larger than MAX_PAYLOAD_BYTES. */
  'PAYLOAD_TOO_LARGE',
  /** The room name breaks the naming rule. */
  'INVALID_ROOM_NAME',
  /** The client speaks another major protocol version: reload the page. */
  'PROTOCOL_VERSION_MISMATCH',
  /** The request needs a joined room first. */
  'NOT_JOINED',
  /** This connection already joined a room. */
  'ALREADY_JOINED',
  /** The transport, producer or consumer is not this peer's or does not exist. */
  'NOT_FOUND',
  /** Media the SFU cannot accept or the peer cannot receive. */
  'MEDIA_ERROR',
  /** Too many requests; slow down. */
  'RATE_LIMITED',
  /** The media server is unavailable or failed. */
  'SFU_ERROR',
  /** A bug or an unexpected failure on the server. */
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ProtocolError = z.infer<typeof errorSchema>;

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

export const replySchema = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: errorSchema }),
  ]);

// --- requests (client -> server) -------------------------------------------

export const requests = {
  join: {
    request: z.object({
      room: z.string(),
      displayName: displayNameSchema,
      protocolVersion: z.string().regex(/^\d+\.\d+$/),
    }),
    response: z.object({
      protocolVersion: z.string(),
      peerId: id,
      room: roomNameSchema,
      routerRtpCapabilities: rtpCapabilitiesSchema,
      peers: z.array(peerSchema),
    }),
  },
  createTransport: {
    request: z.object({ direction: z.enum(['send', 'recv']) }),
    response: transportOptionsSchema,
  },
  connectTransport: {
    request: z.object({ transportId: id, dtlsParameters: dtlsParametersSchema }),
    response: z.object({}),
  },
  restartIce: {
    request: z.object({ transportId: id }),
    response: z.object({ iceParameters: looseRecord }),
  },
  /** The client can receive media: the server starts consuming for it. */
  ready: {
    request: z.object({ rtpCapabilities: rtpCapabilitiesSchema }),
    response: z.object({}),
  },
  produce: {
    request: z.object({
      transportId: id,
      kind: mediaKindSchema,
      rtpParameters: rtpParametersSchema,
      source: mediaSourceSchema,
      paused: z.boolean().optional(),
    }),
    response: z.object({ producerId: id }),
  },
  pauseProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  resumeProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  closeProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  resumeConsumer: { request: z.object({ consumerId: id }), response: z.object({}) },
  leave: { request: z.object({}), response: z.object({}) },
} as const;

export type Requests = typeof requests;
export type RequestType = keyof Requests;
export type RequestPayload<T extends RequestType> = z.input<Requests[T]['request']>;
export type ParsedRequest<T extends RequestType> = z.output<Requests[T]['request']>;
export type ResponseData<T extends RequestType> = z.output<Requests[T]['response']>;
export const requestTypes = Object.keys(requests) as RequestType[];
export const isRequestType = (type: string): type is RequestType =>
  Object.prototype.hasOwnProperty.call(requests, type);

// --- notifications (server -> client) --------------------------------------

export const notifications = {
  peerJoined: z.object({ peer: peerSchema }),
  peerLeft: z.object({ peerId: id }),
  newConsumer: z.object({
    consumerId: id,
    producerId: id,
    peerId: id,
    kind: mediaKindSchema,
    source: mediaSourceSchema,
    rtpParameters: rtpParametersSchema,
    producerPaused: z.boolean(),
  }),
  consumerClosed: z.object({ consumerId: id, producerId: id }),
  producerPaused: z.object({ peerId: id, producerId: id }),
  producerResumed: z.object({ peerId: id, producerId: id }),
  /** The room's media server went away: rebuild transports and producers. */
  mediaReset: z.object({ reason: z.string(), routerRtpCapabilities: rtpCapabilitiesSchema }),
} as const;

export type Notifications = typeof notifications;
export type NotificationType = keyof Notifications;
export type NotificationPayload<T extends NotificationType> = z.output<Notifications[T]>;

// socket.io typed event maps.
export type Ack<T extends RequestType> = (reply: Reply<ResponseData<T>>) => void;
export type ClientToServerEvents = {
  [T in RequestType]: (payload: RequestPayload<T>, ack: Ack<T>) => void;
};
export type ServerToClientEvents = {
  [T in NotificationType]: (payload: NotificationPayload<T>) => void;
};
