// The SFU node's internal endpoint: the SfuApi carried over socket.io. One
// `call` message per request, answered through its ack; events pushed to the
// connections that subscribed. docs/sfu-node.md describes it for operators.
import { z } from 'zod';
import { sfuErrorSchema } from './errors.js';

/** socket.io path of the internal endpoint (not the default, so it is never mistaken for signaling). */
export const SFU_ENDPOINT_PATH = '/sfu';
/** Largest `call` message answered, in bytes of JSON; larger ones get PAYLOAD_TOO_LARGE. */
export const MAX_CALL_BYTES = 256 * 1024;
/** Larger frames are cut off by socket.io itself (it closes that connection). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Names one request; a repeated id is answered once (idempotent retries). */
export const requestIdSchema = z.string().min(1).max(128);

/** `call`: the method is checked against the contract by name, the request by its schema. */
export const callEnvelopeSchema = z.object({
  id: requestIdSchema,
  method: z.string().min(1).max(64),
  request: z.unknown(),
});
export type CallEnvelope = z.infer<typeof callEnvelopeSchema>;

export const wireErrorSchema = sfuErrorSchema.extend({ retryable: z.boolean() });
export type WireError = z.infer<typeof wireErrorSchema>;

/**
 * The ack of a `call`. The error's code is read loosely on the client side, so
 * a newer node's new code degrades to INTERNAL instead of a parse failure.
 */
export type CallReply = { ok: true; data: unknown } | { ok: false; error: WireError };
export const callReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }),
  }),
]);

/** `subscribe` / `unsubscribe`: which events this connection receives (more scopes later). */
export const subscriptionSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('node') }),
  /** One room's events (a signaling node subscribes to the rooms it has peers in). */
  z.object({ scope: z.literal('room'), roomId: z.string().min(1).max(128) }),
]);
export type Subscription = z.infer<typeof subscriptionSchema>;

/**
 * `hello`, sent by the node on every connection: a stable node id, and an
 * incarnation id that is new on every start (so a restart is recognised).
 */
export const helloSchema = z.object({ nodeId: z.string(), incarnation: z.string() });
export type Hello = z.infer<typeof helloSchema>;

/** Sent with a refused handshake (socket.io's connect_error `data`). */
export const refusalSchema = z.object({ code: z.string() });
