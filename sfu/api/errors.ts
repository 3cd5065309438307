// The closed set of errors the SFU reports across its boundary. A networked
// SFU sends { code, message, retryable }; the client side rebuilds an SfuError
// from it. The code says what the caller should do next.
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
  /**
   * The node cannot be reached, lost the connection, or has no live worker.
   * Retry (with the same request id if the request may have reached it).
   */
  'SFU_UNAVAILABLE',
  /** At start: the media port (RTC_PORT + worker index) is taken by another process. */
  'PORT_IN_USE',
  /**
   * No answer within the deadline: the request may or may not have run. Retry
   * with the same request id; the node answers a repeated id once.
   */
  'TIMEOUT',
  /** This node does not hold the room (it restarted or the room lives elsewhere): place it again. */
  'ROOM_NOT_ON_NODE',
  /**
   * The pipe toward that node is not the one named (it closed, or was made
   * anew meanwhile): close both ends and open the pipe again.
   */
  'PIPE_STALE',
  /** The message is larger than the node accepts. */
  'PAYLOAD_TOO_LARGE',
  /** No ICE probe of that id is open on this node (never was, expired or closed). */
  'PROBE_NOT_FOUND',
  /** The node already holds as many ICE probes as it allows: close one or wait for one to expire. */
  'PROBE_LIMIT',
  /** The node refused the shared secret: a configuration error, not worth retrying. */
  'UNAUTHENTICATED',
  'INTERNAL',
]);
export type SfuErrorCode = z.infer<typeof sfuErrorCodeSchema>;

const RETRYABLE: ReadonlySet<SfuErrorCode> = new Set<SfuErrorCode>(['SFU_UNAVAILABLE', 'TIMEOUT']);

/** Whether the same request may succeed if sent again (with the same request id). */
export const isRetryableSfuError = (code: SfuErrorCode): boolean => RETRYABLE.has(code);

export class SfuError extends Error {
  override readonly name = 'SfuError';
  constructor(
    readonly code: SfuErrorCode,
    message: string,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return isRetryableSfuError(this.code);
  }
}

export const sfuErrorSchema = z.object({
  code: sfuErrorCodeSchema,
  message: z.string(),
  retryable: z.boolean().optional(),
});
