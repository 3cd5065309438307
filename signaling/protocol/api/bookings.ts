// Wire shapes of bookings: one zod schema per request and response, used by
// the handlers to validate, by the OpenAPI document to describe them and by
// the calendar for its types. Part of the client contract: nothing here may
// pull in the recurrence engine (rrule) or Node-only code.
import { z } from 'zod';
import { roomSlugSchema } from './rooms.js';

/** More occurrences than this is refused: a year of daily meetings. */
export const MAX_OCCURRENCES = 366;

const instant = z.iso
  .datetime({ offset: true })
  .describe('ISO-8601 date-time with Z or an offset, in whole minutes');
const subject = z.string().min(1).max(256);

export const inviteeSchema = z
  .strictObject({
    subject: subject.optional().describe('A staff member (JWT subject)'),
    email: z.email().max(320).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .refine((i) => i.subject !== undefined || i.email !== undefined, {
    message: 'an invitee needs a subject or an email',
  });
export type InviteeInput = z.infer<typeof inviteeSchema>;

export const recurrenceSchema = z.strictObject({
  rule: z
    .string()
    .min(1)
    .max(500)
    .describe(
      `RRULE without DTSTART: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY, BYMONTHDAY, WKST, and COUNT (≤ ${MAX_OCCURRENCES}) or UNTIL`,
    ),
  exdates: z
    .array(instant)
    .max(MAX_OCCURRENCES)
    .default([])
    .describe('Starts of occurrences to leave out (EXDATE)'),
});

const invitees = z.array(inviteeSchema).max(1000);
const cohosts = z.array(subject).max(50).describe('Subjects of staff who co-host');

export const createBookingSchema = z.strictObject({
  room: roomSlugSchema,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  start: instant,
  end: instant,
  timeZone: z.string().min(1).max(64).describe('The organiser’s IANA zone, e.g. Europe/Moscow'),
  recurrence: recurrenceSchema.nullable().default(null),
  invitees: invitees.default([]),
  cohosts: cohosts.default([]),
});
export type CreateBookingInput = z.infer<typeof createBookingSchema>;

export const updateBookingSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(4000).optional(),
    start: instant.optional(),
    end: instant.optional(),
    timeZone: z.string().min(1).max(64).optional(),
    recurrence: recurrenceSchema.nullable().optional().describe('null makes it a one-off booking'),
    invitees: invitees.optional(),
    cohosts: cohosts.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateBookingInput = z.infer<typeof updateBookingSchema>;

export const updateOccurrenceSchema = z
  .strictObject({ start: instant.optional(), end: instant.optional() })
  .refine((b) => b.start !== undefined || b.end !== undefined, { message: 'nothing to change' });
export type UpdateOccurrenceInput = z.infer<typeof updateOccurrenceSchema>;

export const bookingListQuerySchema = z
  .strictObject({
    room: roomSlugSchema.optional(),
    officeId: z.string().min(1).max(128).optional(),
    from: instant.optional().describe('Default: now'),
    to: instant.optional().describe('Default: 31 days after from; at most 400 days after it'),
    includeCancelled: z.enum(['true', 'false']).default('false'),
  })
  .refine((q) => (q.room === undefined) !== (q.officeId === undefined), {
    message: 'give either room or officeId',
  });
export type BookingListQuery = z.infer<typeof bookingListQuerySchema>;

const status = z.enum(['confirmed', 'cancelled']);

export const occurrenceSchema = z.object({
  id: z.uuid(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  originalStart: z.iso.datetime(),
  status,
  modified: z.boolean(),
});

export const invitationSchema = z.object({
  subject: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: z.enum(['attendee', 'cohost']),
});

export const bookingSchema = z.object({
  id: z.uuid(),
  room: z.string(),
  roomName: z.string(),
  officeId: z.string(),
  organiser: z.object({ subject: z.string(), displayName: z.string() }),
  title: z.string(),
  description: z.string(),
  timeZone: z.string(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  recurrence: z.object({ rule: z.string(), exdates: z.array(z.iso.datetime()) }).nullable(),
  status,
  sequence: z.number().int(),
  invitations: z.array(invitationSchema),
  occurrences: z.array(occurrenceSchema),
  joinUrl: z.string(),
  icsUrl: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BookingView = z.infer<typeof bookingSchema>;

export const occurrenceListItemSchema = z.object({
  id: z.uuid(),
  bookingId: z.uuid(),
  room: z.string(),
  title: z.string(),
  organiser: z.string(),
  timeZone: z.string(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  status,
});
export type OccurrenceListItem = z.infer<typeof occurrenceListItemSchema>;

export const conflictDetailsSchema = z.object({
  conflicts: z.array(
    z.object({
      requested: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
      booking: z.object({
        id: z.uuid(),
        title: z.string(),
        occurrenceId: z.uuid(),
        start: z.iso.datetime(),
        end: z.iso.datetime(),
      }),
    }),
  ),
});
export type ConflictDetails = z.infer<typeof conflictDetailsSchema>;
