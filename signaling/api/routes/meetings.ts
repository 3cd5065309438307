// Meeting history: who joined each session of a room, when, for how long.
import { z } from 'zod';
import { findRoomBySlug } from '../../catalog/rooms.js';
import { roomSlugSchema } from '../../protocol/api/rooms.js';
import { requireOffice } from '../../catalog/permissions.js';
import { forbidden, notFound } from '../../core/domainError.js';
import { meetingsOfOffice, meetingsOfRoom, type MeetingRecord } from '../../meetings/history.js';
import type { ApiContext } from '../context.js';
import { defineRoute, json, type Route } from '../route.js';

const historyQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const meetingSchema = z.object({
  id: z.uuid(),
  room: z.string(),
  occurrenceId: z.uuid().nullable(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  peakParticipants: z.number().int(),
  participants: z.array(
    z.object({
      userKey: z.string(),
      displayName: z.string(),
      joinedAt: z.iso.datetime(),
      leftAt: z.iso.datetime().nullable(),
      seconds: z.number().int(),
    }),
  ),
});
const historySchema = z.object({ meetings: z.array(meetingSchema) });

const view = (m: MeetingRecord): z.infer<typeof meetingSchema> => ({
  id: m.id,
  room: m.roomSlug,
  occurrenceId: m.occurrenceId,
  startedAt: m.startedAt.toISOString(),
  endedAt: m.endedAt?.toISOString() ?? null,
  peakParticipants: m.peakParticipants,
  participants: m.participants.map((p) => ({
    userKey: p.userKey,
    displayName: p.displayName,
    joinedAt: p.joinedAt.toISOString(),
    leftAt: p.leftAt?.toISOString() ?? null,
    seconds: p.seconds,
  })),
});

export function meetingRoutes({ db, now }: ApiContext): Route[] {
  const window = (q: z.infer<typeof historyQuery>) => ({
    from: q.from === undefined ? undefined : new Date(q.from),
    to: q.to === undefined ? undefined : new Date(q.to),
    limit: q.limit,
    now: now(),
  });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/rooms/{slug}/meetings',
      operationId: 'roomMeetings',
      summary: 'Meetings held in a room, newest first (ad-hoc rooms: admins only)',
      tag: 'meetings',
      params: z.object({ slug: roomSlugSchema }),
      query: historyQuery,
      responses: { 200: { description: 'Meetings', schema: historySchema } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, query }) {
        const room = await findRoomBySlug(db, params.slug);
        if (room) requireOffice(identity, room.officeId, 'see its meetings');
        else if (identity.globalRole !== 'admin')
          throw notFound(`room ${params.slug} does not exist`);
        const meetings = await meetingsOfRoom(db, params.slug, window(query));
        return json(200, { meetings: meetings.map(view) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/offices/{id}/meetings',
      operationId: 'officeMeetings',
      summary: "Meetings held in the office's rooms, newest first",
      tag: 'meetings',
      params: z.object({ id: z.string().min(1).max(128) }),
      query: historyQuery,
      responses: { 200: { description: 'Meetings', schema: historySchema } },
      errors: ['BAD_REQUEST', 'FORBIDDEN'],
      async handle({ identity, params, query }) {
        if (identity.globalRole !== 'admin' && identity.office !== params.id)
          throw forbidden(`only office ${params.id} staff or an admin may see its meetings`);
        const meetings = await meetingsOfOffice(db, params.id, window(query));
        return json(200, { meetings: meetings.map(view) });
      },
    }),
  ];
}
