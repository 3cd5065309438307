// /api/organisations and /api/offices: the organisational catalogue (admins
// name them; offices also appear on their own when a JWT first mentions them),
// and each office's calendar feed.
import { z } from 'zod';
import { loadBooking, bookingIdsOfOffice } from '../../bookings/repository.js';
import {
  getOffice,
  listOffices,
  listOrganisations,
  organisationExists,
  putOffice,
  putOrganisation,
} from '../../catalog/offices.js';
import { requireAdmin, requireOffice } from '../../catalog/permissions.js';
import { notFound } from '../../core/domainError.js';
import { officeFeedIcs } from '../../ics/calendar.js';
import type { ApiContext } from '../context.js';
import { defineRoute, json, type Route } from '../route.js';

const id = z.string().min(1).max(128);
const organisationSchema = z.object({ id: z.string(), name: z.string() });
const officeSchema = z.object({
  id: z.string(),
  name: z.string(),
  organisationId: z.string().nullable(),
});
const FEED_HISTORY_MS = 30 * 86_400_000;

export function officeRoutes({ db, publicUrl, now }: ApiContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/organisations',
      operationId: 'listOrganisations',
      summary: 'Organisations',
      tag: 'catalogue',
      responses: {
        200: {
          description: 'Organisations',
          schema: z.object({ organisations: z.array(organisationSchema) }),
        },
      },
      errors: [],
      async handle() {
        return json(200, { organisations: await listOrganisations(db) });
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/organisations/{id}',
      operationId: 'putOrganisation',
      summary: 'Create or rename an organisation (admins)',
      tag: 'catalogue',
      params: z.object({ id }),
      body: z.strictObject({ name: z.string().trim().min(1).max(200) }),
      responses: { 200: { description: 'Stored', schema: organisationSchema } },
      errors: ['FORBIDDEN'],
      async handle({ identity, params, body }) {
        requireAdmin(identity, 'manage organisations');
        return json(200, await putOrganisation(db, { id: params.id, name: body.name }));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/offices',
      operationId: 'listOffices',
      summary: 'Offices',
      tag: 'catalogue',
      responses: {
        200: { description: 'Offices', schema: z.object({ offices: z.array(officeSchema) }) },
      },
      errors: [],
      async handle() {
        return json(200, { offices: await listOffices(db) });
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/offices/{id}',
      operationId: 'putOffice',
      summary: 'Create or change an office (admins)',
      tag: 'catalogue',
      params: z.object({ id }),
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        organisationId: id.nullable().default(null),
      }),
      responses: { 200: { description: 'Stored', schema: officeSchema } },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, body }) {
        requireAdmin(identity, 'manage offices');
        if (body.organisationId !== null && !(await organisationExists(db, body.organisationId)))
          throw notFound(`organisation ${body.organisationId} does not exist`);
        return json(200, await putOffice(db, { id: params.id, ...body }));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/offices/{id}/calendar.ics',
      operationId: 'officeCalendar',
      summary: "The office's bookings as an iCalendar feed (from 30 days ago on)",
      tag: 'bookings',
      params: z.object({ id }),
      responses: { 200: { description: 'iCalendar', contentType: 'text/calendar' } },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params }) {
        requireOffice(identity, params.id, 'read its calendar');
        const office = await getOffice(db, params.id);
        if (!office) throw notFound(`office ${params.id} does not exist`);
        const at = now();
        const ids = await bookingIdsOfOffice(
          db,
          office.id,
          new Date(at.getTime() - FEED_HISTORY_MS),
        );
        const bookings = [];
        for (const bookingId of ids) {
          const b = await loadBooking(db, bookingId);
          if (b) bookings.push(b);
        }
        return {
          status: 200,
          text: officeFeedIcs(office, bookings, { publicUrl, now: at }),
          contentType: 'text/calendar; charset=utf-8',
          filename: `${office.id}.ics`,
        };
      },
    }),
  ];
}
