// /api/bookings: book a room (once or recurring), change one occurrence or
// the series, cancel either, download the invitation.
import { z } from 'zod';
import {
  bookingListQuerySchema,
  bookingSchema,
  createBookingSchema,
  occurrenceListItemSchema,
  updateBookingSchema,
  updateOccurrenceSchema,
} from '../../protocol/api/bookings.js';
import { bookingView, occurrenceListItem } from '../../bookings/views.js';
import { bookingIcs } from '../../ics/calendar.js';
import type { ApiContext } from '../context.js';
import { defineRoute, json, type Route } from '../route.js';

const idParams = z.object({ id: z.uuid() });
const occurrenceParams = z.object({ id: z.uuid(), occurrenceId: z.uuid() });
const one = { description: 'The booking with its occurrences', schema: bookingSchema };

export function bookingRoutes({ bookings, publicUrl, now }: ApiContext): Route[] {
  const view = (b: Parameters<typeof bookingView>[0]) => bookingView(b, publicUrl);
  return [
    defineRoute({
      method: 'POST',
      path: '/api/bookings',
      operationId: 'createBooking',
      summary: 'Book a room, once or recurring; 409 names the colliding bookings',
      tag: 'bookings',
      body: createBookingSchema,
      responses: { 201: { ...one, description: 'Booked' } },
      errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
      async handle({ identity, ip, body }) {
        return json(201, view(await bookings.create({ identity, ip }, body)));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/bookings',
      operationId: 'listBookings',
      summary: 'Occurrences of a room or an office in a time window',
      tag: 'bookings',
      query: bookingListQuerySchema,
      responses: {
        200: {
          description: 'Occurrences, earliest first',
          schema: z.object({ occurrences: z.array(occurrenceListItemSchema) }),
        },
      },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, query }) {
        const found = await bookings.list(identity, query);
        return json(200, { occurrences: found.map(occurrenceListItem) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/bookings/{id}',
      operationId: 'getBooking',
      summary: 'One booking',
      tag: 'bookings',
      params: idParams,
      responses: { 200: one },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params }) {
        return json(200, view(await bookings.get(identity, params.id)));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/bookings/{id}',
      operationId: 'updateBooking',
      summary: 'Change the whole series (timing changes replan occurrences not yet started)',
      tag: 'bookings',
      params: idParams,
      body: updateBookingSchema,
      responses: { 200: one },
      errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
      async handle({ identity, ip, params, body }) {
        return json(200, view(await bookings.updateSeries({ identity, ip }, params.id, body)));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/bookings/{id}',
      operationId: 'cancelBooking',
      summary: 'Cancel the booking (every occurrence not yet over)',
      tag: 'bookings',
      params: idParams,
      responses: { 200: { ...one, description: 'The cancelled booking' } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, ip, params }) {
        return json(200, view(await bookings.cancel({ identity, ip }, params.id, null)));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/bookings/{id}/occurrences/{occurrenceId}',
      operationId: 'updateOccurrence',
      summary: 'Move one occurrence',
      tag: 'bookings',
      params: occurrenceParams,
      body: updateOccurrenceSchema,
      responses: { 200: one },
      errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
      async handle({ identity, ip, params, body }) {
        const b = await bookings.updateOccurrence(
          { identity, ip },
          params.id,
          params.occurrenceId,
          body,
        );
        return json(200, view(b));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/bookings/{id}/occurrences/{occurrenceId}',
      operationId: 'cancelOccurrence',
      summary: 'Cancel one occurrence',
      tag: 'bookings',
      params: occurrenceParams,
      responses: { 200: one },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, ip, params }) {
        const b = await bookings.cancel({ identity, ip }, params.id, params.occurrenceId);
        return json(200, view(b));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/bookings/{id}/ics',
      operationId: 'bookingIcs',
      summary: 'The invitation (METHOD:REQUEST, or CANCEL once cancelled)',
      tag: 'bookings',
      params: idParams,
      responses: { 200: { description: 'iCalendar', contentType: 'text/calendar' } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params }) {
        const b = await bookings.get(identity, params.id);
        const method = b.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
        return {
          status: 200,
          text: bookingIcs(b, { publicUrl, now: now() }),
          contentType: `text/calendar; charset=utf-8; method=${method}`,
          filename: `booking-${b.id}.ics`,
        };
      },
    }),
  ];
}
