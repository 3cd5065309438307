// One `call` message in, one reply out. Checks the envelope, its size and the
// method name here; the request and response schemas are checked by the
// schema-checked SfuApi it calls. Never throws: every failure is a reply.
import type { SfuApi } from '../api/index.js';
import { SfuError } from '../api/errors.js';
import { sfuMethods, type SfuMethodName, type SfuRequest } from '../api/methods.js';
import { MAX_CALL_BYTES, callEnvelopeSchema, type CallReply } from '../api/wire.js';
import type { SfuLogger } from '../core/logger.js';
import type { ReplyCache } from './replyCache.js';

const refuse = (code: SfuError['code'], message: string): CallReply => ({
  ok: false,
  error: { code, message, retryable: new SfuError(code, message).retryable },
});

function sizeOf(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY; // not JSON at all (cannot happen over socket.io)
  }
}

const isMethod = (name: string): name is SfuMethodName => Object.hasOwn(sfuMethods, name);

export type CallHandler = (payload: unknown) => Promise<CallReply>;

export function createCallHandler(deps: {
  sfu: SfuApi;
  cache: ReplyCache;
  log: SfuLogger;
}): CallHandler {
  const { sfu, cache, log } = deps;

  async function run(method: SfuMethodName, request: unknown): Promise<CallReply> {
    try {
      const data = await sfu.call(method, request as SfuRequest<typeof method>);
      return { ok: true, data };
    } catch (error) {
      if (error instanceof SfuError) return refuse(error.code, error.message);
      log.error({ err: error, method }, 'SFU call failed');
      return refuse('INTERNAL', 'internal error');
    }
  }

  return async (payload) => {
    if (sizeOf(payload) > MAX_CALL_BYTES) {
      return refuse('PAYLOAD_TOO_LARGE', `a call may carry at most ${MAX_CALL_BYTES} bytes`);
    }
    const envelope = callEnvelopeSchema.safeParse(payload);
    if (!envelope.success) {
      return refuse('INVALID_REQUEST', `malformed call: ${envelope.error.message}`);
    }
    const { id, method, request } = envelope.data;
    if (!isMethod(method)) return refuse('INVALID_REQUEST', `unknown SFU method ${method}`);
    return cache.reply(id, method, () => run(method, request));
  };
}
