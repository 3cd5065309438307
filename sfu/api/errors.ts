// The closed set of errors the SFU reports across its boundary. A networked
// SFU sends { code, message }; the client side rebuilds an SfuError from it.
import { z } from 'zod';

export const sfuErrorCodeSchema = z.enum([
  'INVALID_REQUEST',
  'ROOM_NOT_FOUND',
  'PEER_NOT_FOUND',
  'TRANSPORT_NOT_FOUND',
  'PRODUCER_NOT_FOUND',
  'CONSUMER_NOT_FOUND',
  'CANNOT_CONSUME',
  'MEDIA_REJECTED',
  'SFU_UNAVAILABLE',
  /** At start: the media port (RTC_PORT + worker index) is taken by another process. */
  'PORT_IN_USE',
  'INTERNAL',
]);
export type SfuErrorCode = z.infer<typeof sfuErrorCodeSchema>;

export class SfuError extends Error {
  override readonly name = 'SfuError';
  constructor(
    readonly code: SfuErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const sfuErrorSchema = z.object({ code: sfuErrorCodeSchema, message: z.string() });
