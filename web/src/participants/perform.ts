// Sending one of the moderation requests on the user's behalf.
import type { RequestPayload, RequestType } from '../../../signaling/protocol/index.js';
import type { RoomSession } from '../meeting/room.js';

export type Call = { [T in RequestType]: { type: T; payload: RequestPayload<T> } }[RequestType];

/** Sends the call; a refusal shows as a toast. Resolves with the reply's data or undefined. */
export type Perform = (call: Call) => Promise<unknown>;

export function performer(session: RoomSession): Perform {
  // The union of calls cannot be matched to perform's generic per member;
  // each member is well-typed where it is built (actions.ts).
  const send = session.perform as (type: RequestType, payload: unknown) => Promise<unknown>;
  return (call) => send(call.type, call.payload);
}
