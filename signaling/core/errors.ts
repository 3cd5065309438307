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

const fromSfu: Record<SfuErrorCode, ErrorCode> = {
  INVALID_REQUEST: 'BAD_REQUEST',
  ROOM_NOT_FOUND: 'SFU_ERROR',
  PEER_NOT_FOUND: 'NOT_FOUND',
  TRANSPORT_NOT_FOUND: 'NOT_FOUND',
  PRODUCER_NOT_FOUND: 'NOT_FOUND',
  CONSUMER_NOT_FOUND: 'NOT_FOUND',
  CANNOT_CONSUME: 'MEDIA_ERROR',
  MEDIA_REJECTED: 'MEDIA_ERROR',
  SFU_UNAVAILABLE: 'SFU_ERROR',
  TIMEOUT: 'SFU_ERROR',
  ROOM_NOT_ON_NODE: 'SFU_ERROR',
  PAYLOAD_TOO_LARGE: 'SFU_ERROR',
  UNAUTHENTICATED: 'SFU_ERROR',
  INTERNAL: 'SFU_ERROR',
};

/** The reply-safe form of an error; `internal` is true when it should be logged as a bug. */
export function toProtocolError(error: unknown): { error: ProtocolError; internal: boolean } {
  if (error instanceof AppError)
    return { error: { code: error.code, message: error.message }, internal: false };
  if (error instanceof SfuError) {
    const code = fromSfu[error.code];
    return { error: { code, message: error.message }, internal: code === 'SFU_ERROR' };
  }
  return { error: { code: 'INTERNAL', message: 'internal error' }, internal: true };
}
