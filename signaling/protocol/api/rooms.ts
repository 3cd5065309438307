// Wire shapes of persistent rooms: what the API accepts and returns (the
// calendar takes its room type from here too).
import { z } from 'zod';
import { roomNameSchema } from '../common.js';

export const roomSlugSchema = roomNameSchema.describe(
  'The room name in its join link /r/<slug>: 1–64 letters, digits, - and _',
);
const passcodeSchema = z
  .string()
  .min(4)
  .max(64)
  .describe('Stored only as a scrypt hash; never returned');

export const createRoomSchema = z.strictObject({
  slug: roomSlugSchema,
  name: z.string().trim().min(1).max(200),
  officeId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("Owning office; defaults to the caller's office"),
  capacity: z.number().int().min(1).max(1000),
  lobby: z.boolean().default(false),
  passcode: passcodeSchema.nullable().default(null),
  guestsAllowed: z.boolean().default(true),
  chatRetentionDays: z.number().int().min(0).max(3650).default(30),
});
export type CreateRoomInput = z.infer<typeof createRoomSchema>;

export const updateRoomSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  capacity: z.number().int().min(1).max(1000).optional(),
  lobby: z.boolean().optional(),
  passcode: passcodeSchema.nullable().optional().describe('null removes the passcode'),
  guestsAllowed: z.boolean().optional(),
  chatRetentionDays: z.number().int().min(0).max(3650).optional(),
});
export type UpdateRoomInput = z.infer<typeof updateRoomSchema>;

export const roomSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  officeId: z.string(),
  capacity: z.number().int(),
  lobby: z.boolean(),
  passcodeSet: z.boolean(),
  guestsAllowed: z.boolean(),
  chatRetentionDays: z.number().int(),
  joinUrl: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RoomView = z.infer<typeof roomSchema>;

export const roomListQuerySchema = z.strictObject({
  officeId: z.string().min(1).max(128).optional(),
});
