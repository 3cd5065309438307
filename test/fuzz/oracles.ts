// What counts as a good answer to a fuzz message, per target. Every reply
// is classified by its code (the run's table counts them) and anything that
// is not a well-formed answer is a finding: an INTERNAL error or a 5xx
// (bad input must never look like a server fault), a reply that breaks its
// schema, no reply at all where one is owed.
import { z } from 'zod';
import { apiErrorCodes, statusOf, type ApiErrorCode } from '../../signaling/api/errors.js';
import {
  ERROR_CODES,
  isRequestType,
  requests,
  type RequestType,
} from '../../signaling/protocol/index.js';
import { sfuErrorCodeSchema } from '../../sfu/api/errors.js';
import { sfuMethods, type SfuMethodName } from '../../sfu/api/methods.js';

/** How one message ended, as a row of the table and possibly a finding. */
export interface Verdict {
  /** `ok`, an error code, `closed` (the server dropped the connection), `ignored`, `timeout`… */
  code: string;
  /** Set when the answer is not acceptable: what is wrong with it. */
  finding?: string;
}

const malformed = (reply: unknown): Verdict => ({
  code: 'malformed',
  finding: `malformed reply: ${JSON.stringify(reply)?.slice(0, 300)}`,
});

const socketReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);

/** A socket request's acknowledgement: `{ ok, data }` matching the type's response, or a known error. */
export function judgeSocketReply(type: unknown, reply: unknown): Verdict {
  const parsed = socketReply.safeParse(reply);
  if (!parsed.success) return malformed(reply);
  if (!parsed.data.ok) {
    const { code, message } = parsed.data.error;
    if (code === 'INTERNAL' || code === 'SFU_ERROR')
      return { code, finding: `${code} for a bad request: ${message}` };
    return { code };
  }
  if (typeof type !== 'string' || !isRequestType(type))
    return { code: 'ok', finding: `an unknown message was answered ok` };
  const data = requests[type as RequestType].response.safeParse(parsed.data.data);
  if (!data.success)
    return {
      code: 'ok',
      finding: `${type} answered data that breaks its schema: ${data.error.message.slice(0, 300)}`,
    };
  return { code: 'ok' };
}

const sfuReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: sfuErrorCodeSchema, message: z.string(), retryable: z.boolean() }),
  }),
]);

/** A `call` (or subscription) ack of the SFU node: data matching the method's response, or a known error. */
export function judgeSfuReply(method: unknown, reply: unknown): Verdict {
  const parsed = sfuReply.safeParse(reply);
  if (!parsed.success) return malformed(reply);
  if (!parsed.data.ok) {
    const { code, message } = parsed.data.error;
    if (code === 'INTERNAL') return { code, finding: `INTERNAL for a bad call: ${message}` };
    return { code };
  }
  if (typeof method === 'string' && Object.hasOwn(sfuMethods, method)) {
    const data = sfuMethods[method as SfuMethodName].response.safeParse(parsed.data.data);
    if (!data.success)
      return { code: 'ok', finding: `${method} answered data that breaks its schema` };
  }
  return { code: 'ok' };
}

const restError = z.object({
  error: z.object({
    code: z.enum(apiErrorCodes),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A REST answer: 2xx, or a 4xx whose body is `{ error: { code, message } }`
 * with a known code and the status that code has (405 for a method a path
 * does not take). `httpLevel`: the request is not an API call as such (a
 * HEAD, an odd request target that may not reach the API), so only a 5xx
 * is wrong.
 */
export function judgeRestAnswer(answer: HttpAnswer, httpLevel = false): Verdict {
  const { status } = answer;
  if (status >= 500)
    return { code: String(status), finding: `${status}: ${answer.body.slice(0, 300)}` };
  if (status >= 200 && status < 300) return { code: String(status) };
  // Node's HTTP parser refuses a request line or headers too long before the API sees them.
  if ((status === 431 || status === 414 || status === 400) && answer.body === '')
    return { code: `${status} (HTTP parser)` };
  if (httpLevel) return { code: String(status) };
  if (status < 400) return { code: String(status), finding: `unexpected status ${status}` };
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return {
      code: String(status),
      finding: `${status} without a JSON error body: ${answer.body.slice(0, 200)}`,
    };
  }
  const parsed = restError.safeParse(body);
  if (!parsed.success)
    return {
      code: String(status),
      finding: `${status} with a malformed error body: ${answer.body.slice(0, 200)}`,
    };
  const code: ApiErrorCode = parsed.data.error.code;
  const expected = code === 'BAD_REQUEST' && status === 405 ? 405 : statusOf[code];
  if (status !== expected)
    return { code, finding: `${code} answered with status ${status} (expected ${expected})` };
  return { code };
}
