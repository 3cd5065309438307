// Every API failure is answered as { error: { code, message, details? } }
// with one of a closed set of codes. Anything unexpected is INTERNAL: logged
// in full, answered without internals.
import { z } from 'zod';
import { DomainError } from '../core/domainError.js';
import { isDatabaseError, SqlState } from '../db/index.js';

export const apiErrorCodes = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export const statusOf: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(apiErrorCodes),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Failures of the HTTP layer itself (auth, size, routing). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
    /** When HTTP has a more precise status than the code's (405). */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** A bug or an outage: log it. */
  internal: boolean;
}

function mapped(
  code: ApiErrorCode,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): MappedError {
  return {
    status: statusOf[code],
    body: { error: { code, message, ...(details === undefined ? {} : { details }) } },
    headers,
    internal: code === 'INTERNAL',
  };
}

export function mapError(error: unknown): MappedError {
  if (error instanceof ApiError) {
    const result = mapped(error.code, error.message, error.details, error.headers);
    return error.status === undefined ? result : { ...result, status: error.status };
  }
  if (error instanceof DomainError) return mapped(error.code, error.message, error.details);
  if (error instanceof z.ZodError)
    return mapped('BAD_REQUEST', 'invalid request', {
      issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  if (
    isDatabaseError(error, SqlState.exclusionViolation) ||
    isDatabaseError(error, SqlState.uniqueViolation)
  )
    return mapped('CONFLICT', 'conflicts with existing data');
  return mapped('INTERNAL', 'internal error');
}
