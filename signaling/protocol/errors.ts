import { z } from 'zod';

export const errorCodeSchema = z.enum([
  /** The payload does not match the message's schema. */
  'BAD_REQUEST',
  /** No such message type. */
  'UNKNOWN_MESSAGE',
  /** The payload is larger than MAX_PAYLOAD_BYTES. */
  'PAYLOAD_TOO_LARGE',
  /** Missing, invalid or expired token or invite. */
  'UNAUTHENTICATED',
  /** The caller's role may not do this. */
  'FORBIDDEN',
  /** The room name breaks the naming rule. */
  'INVALID_ROOM_NAME',
  /** No such room, or ad-hoc rooms are off. */
  'ROOM_NOT_FOUND',
  /** The room is locked: only hosts may enter. */
  'ROOM_LOCKED',
  /** The room needs a passcode and none was given. */
  'PASSCODE_REQUIRED',
  /** The passcode is wrong (attempts are limited). */
  'PASSCODE_INVALID',
  /** The caller waits in the lobby; only `leave` is possible until admitted. */
  'IN_LOBBY',
  /** The caller was banned from this meeting. */
  'BANNED',
  /** The client speaks another major protocol version: reload the page. */
  'PROTOCOL_VERSION_MISMATCH',
  /** The request needs a joined room first. */
  'NOT_JOINED',
  /** This connection already joined a room. */
  'ALREADY_JOINED',
  /** The transport, producer, consumer or peer does not exist (for this caller). */
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
