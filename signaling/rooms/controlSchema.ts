// The stored form of a room's control state, for stores shared between
// nodes (Redis). Every stored value carries the format it was written in; a
// node reads only the formats it knows and only values of the right shape,
// so two releases that disagree about the shape (a rolling upgrade) fail
// loudly with ROOM_STATE_FORMAT instead of acting on half-understood state.
import { z } from 'zod';
import { meetingRoleSchema } from '../protocol/index.js';
import type { RoomControl } from './control.js';

/** Bump when RoomControl changes shape; see docs/state.md. */
export const ROOM_STATE_FORMAT = 1;

const memberSchema = z.object({
  peerId: z.string(),
  userId: z.string(),
  displayName: z.string(),
  guest: z.boolean(),
  role: meetingRoleSchema,
  node: z.string(),
  socketId: z.string(),
  joinedAt: z.number(),
  disconnectedAt: z.number().optional(),
});

const lobbySchema = z.object({
  peerId: z.string(),
  userId: z.string(),
  displayName: z.string(),
  guest: z.boolean(),
  role: meetingRoleSchema,
  node: z.string(),
  socketId: z.string(),
  since: z.number(),
});

export const roomControlSchema = z.strictObject({
  name: z.string(),
  settings: z.strictObject({
    locked: z.boolean(),
    lobby: z.boolean(),
    chatEnabled: z.boolean(),
    screenShareAllowed: z.boolean(),
  }),
  passcodeHash: z.string().optional(),
  members: z.record(z.string(), memberSchema),
  lobby: z.record(z.string(), lobbySchema),
  admitted: z.array(z.string()),
  banned: z.array(z.string()),
  hands: z.array(z.string()),
  activeSpeaker: z.string().optional(),
  meetingId: z.string().optional(),
  meetingStartedAt: z.number().optional(),
});

/** Stored room state this node cannot use: another release wrote it, or it is damaged. */
export class RoomStateFormatError extends Error {
  override readonly name = 'RoomStateFormatError';
  readonly code = 'ROOM_STATE_FORMAT';
  constructor(
    readonly room: string,
    message: string,
  ) {
    super(`room ${room}: ${message} (ROOM_STATE_FORMAT)`);
  }
}

/**
 * Reads a stored value. `format` is the stored format number (absent: a value
 * written before formats were stored, which has format 1's shape).
 */
export function decodeRoomControl(
  room: string,
  format: string | undefined,
  raw: string,
): RoomControl {
  const version = format === undefined ? 1 : Number(format);
  if (version !== ROOM_STATE_FORMAT) {
    throw new RoomStateFormatError(
      room,
      `stored state has format ${format}, this release reads format ${ROOM_STATE_FORMAT}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new RoomStateFormatError(room, 'stored state is not JSON');
  }
  const parsed = roomControlSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new RoomStateFormatError(
      room,
      `stored state does not match format ${ROOM_STATE_FORMAT} (${where}${issue?.message ?? 'invalid'})`,
    );
  }
  // Checked by the compiler against RoomControl: the schema and the type agree.
  const control: RoomControl = { ...parsed.data, passcodeHash: parsed.data.passcodeHash };
  return control;
}
