// Errors a handler throws on purpose; the dispatcher turns them into replies.
// Anything else is a bug: logged in full, answered with INTERNAL.
import { SfuError, type SfuErrorCode } from '../../sfu/api/index.js';
import type { ErrorCode, ProtocolError } from '../protocol/index.js';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What a client is told when the SFU refuses: a code and a fixed text per SFU
 * code. The SFU's own text (mediasoup's messages, ids, addresses) is for the
 * log only, never for the reply.
 */
const fromSfu: Record<SfuErrorCode, ProtocolError> = {
  INVALID_REQUEST: { code: 'BAD_REQUEST', message: 'the media server refused this request' },
  ROOM_NOT_FOUND: { code: 'SFU_ERROR', message: 'the room has no media right now' },
  PEER_NOT_FOUND: { code: 'NOT_FOUND', message: 'no media of yours is open' },
  TRANSPORT_NOT_FOUND: { code: 'NOT_FOUND', message: 'unknown transport' },
  PRODUCER_NOT_FOUND: { code: 'NOT_FOUND', message: 'unknown producer' },
  CONSUMER_NOT_FOUND: { code: 'NOT_FOUND', message: 'unknown consumer' },
  CANNOT_CONSUME: { code: 'MEDIA_ERROR', message: 'this client cannot receive that stream' },
  MEDIA_REJECTED: {
    code: 'MEDIA_ERROR',
    message: 'the media server refused these media parameters',
  },
  SFU_UNAVAILABLE: { code: 'SFU_ERROR', message: 'the media server is unavailable' },
  PORT_IN_USE: { code: 'SFU_ERROR', message: 'the media server is unavailable' },
  TIMEOUT: { code: 'SFU_ERROR', message: 'the media server did not answer in time' },
  ROOM_NOT_ON_NODE: { code: 'SFU_ERROR', message: 'the room has no media right now' },
  PIPE_STALE: { code: 'SFU_ERROR', message: 'the media server is unavailable' },
  // Admin probes never reach a participant's socket; mapped for completeness.
  PROBE_NOT_FOUND: { code: 'NOT_FOUND', message: 'unknown probe' },
  PROBE_LIMIT: { code: 'SFU_ERROR', message: 'the media server is busy' },
  PAYLOAD_TOO_LARGE: { code: 'BAD_REQUEST', message: 'the media server refused this request' },
  UNAUTHENTICATED: { code: 'SFU_ERROR', message: 'the media server is unavailable' },
  INTERNAL: { code: 'SFU_ERROR', message: 'media server error' },
};

/**
 * The reply-safe form of an error; `internal` is true when it should be logged
 * as a bug. `detail` is what the reply leaves out and the log should keep.
 */
export function toProtocolError(error: unknown): {
  error: ProtocolError;
  internal: boolean;
  detail?: string;
} {
  if (error instanceof AppError)
    return { error: { code: error.code, message: error.message }, internal: false };
  if (error instanceof SfuError) {
    const reply = fromSfu[error.code];
    return {
      error: { ...reply },
      internal: reply.code === 'SFU_ERROR',
      detail: `${error.code}: ${error.message}`,
    };
  }
  return { error: { code: 'INTERNAL', message: 'internal error' }, internal: true };
}
