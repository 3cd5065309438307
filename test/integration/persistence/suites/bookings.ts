// Booking rooms over the REST API: the database refuses overlaps, recurring
// series are checked occurrence by occurrence, bad input stores nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOccurrences } from '../../../../signaling/bookings/occurrences.js';
import { insertBooking } from '../../../../signaling/bookings/repository.js';
import { waitFor } from '../../../harness/sfu.js';
import { startApi, users, type ApiResponse, type TestApi } from '../support/api.js';
import type { BackendHandle } from '../support/backend.js';
import { apiError, booking, count, createRoom, NOW } from '../support/fixtures.js';

const { alice, anna, bob, admin } = users;
const moscow = 'Europe/Moscow';

export function bookingSuite(backend: BackendHandle) {
  describe('bookings', () => {
    let api: TestApi;

    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      await createRoom(api, alice, { slug: 'zal-1', name: 'Зал 1', capacity: 5 });
      await createRoom(api, alice, { slug: 'zal-2', name: 'Зал 2' });
      await createRoom(api, bob, { slug: 'b-room', name: 'Bob’s office room' });
    });
    afterAll(() => api.close());

    const book = (user = alice, body: Record<string, unknown> = {}) =>
      api.as(user).post('/api/bookings', {
        room: 'zal-1',
        title: 'Совещание',
        timeZone: moscow,
        start: '2030-03-05T07:00:00Z',
        end: '2030-03-05T08:00:00Z',
        ...body,
      });

    it('50 concurrent requests for overlapping slots: exactly one is booked, 49 get 409 naming it', async () => {
      const attempts = Array.from({ length: 50 }, (_, i) =>
        book(i % 2 === 0 ? alice : anna, {
          title: `attempt ${i}`,
          start: new Date(Date.UTC(2030, 2, 4, 7, i)).toISOString(),
          end: new Date(Date.UTC(2030, 2, 4, 8, i)).toISOString(),
        }),
      );
      const results = await Promise.all(attempts);
      const created = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 409);
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(49);
      const winner = booking(created[0]!, 201);
      for (const r of refused) {
        const error = apiError(r, 409);
        expect(error.code).toBe('CONFLICT');
        const conflicts = (error.details as { conflicts: { booking: { id: string } }[] }).conflicts;
        expect(conflicts[0]!.booking.id).toBe(winner.id);
      }
      const { rows } = await api.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM booking_occurrences o JOIN rooms r ON r.id = o.room_id
         WHERE r.slug = 'zal-1' AND o.starts_at::date = '2030-03-04'`,
      );
      expect(rows[0]!.n).toBe(1);
    });

    it('20 overlapping weekly series at once: one is booked, 19 get 409 naming it (no deadlock)', async () => {
      // Several rounds, each in a room of its own: one round rarely deadlocked.
      for (let round = 0; round < 3; round += 1) {
        const slug = `series-race-${round}`;
        await createRoom(api, alice, { slug, name: `Переговорная ${round}` });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            book(i % 2 === 0 ? alice : anna, {
              room: slug,
              title: `series ${i}`,
              start: new Date(Date.UTC(2030, 4, 6, 7, i)).toISOString(),
              end: new Date(Date.UTC(2030, 4, 6, 8, i)).toISOString(),
              recurrence: { rule: 'FREQ=WEEKLY;COUNT=8' },
            }),
          ),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, ...Array<number>(19).fill(409)]);
        const winner = booking(
          results.find((r) => r.status === 201)!,
          201,
        );
        for (const r of results.filter((r) => r.status === 409)) {
          const conflicts = (
            apiError(r, 409).details as { conflicts: { booking: { id: string } }[] }
          ).conflicts;
          expect(conflicts[0]!.booking.id).toBe(winner.id);
        }
        const { rows } = await api.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM booking_occurrences o JOIN rooms r ON r.id = o.room_id
           WHERE r.slug = $1`,
          [slug],
        );
        expect(rows[0]!.n).toBe(8);
      }
    });

    // PGlite has one session: two transactions never wait on each other there,
    // so only PostgreSQL can deadlock.
    if (backend.engine === 'postgres')
      it('a booking that loses a deadlock is retried and answered 409 naming the winner', async () => {
        const room = await createRoom(api, alice, { slug: 'deadlock', name: 'Переговорная Д' });
        const start = new Date('2030-06-03T07:00:00Z');
        const end = new Date('2030-06-03T08:00:00Z');
        const winnerId = randomUUID();
        let request: Promise<ApiResponse> | undefined;
        // Another writer holds the audit chain, lets the booking queue behind it, then
        // claims the same slot: each waits for the other, and PostgreSQL aborts the
        // one that waited first — the booking.
        await api.db.transaction(async (tx) => {
          await tx.query('SELECT last_id FROM audit_chain_head WHERE singleton FOR UPDATE');
          await insertBooking(tx, {
            id: winnerId,
            roomId: room.id,
            organiser: anna.sub,
            title: 'Победитель',
            description: '',
            timeZone: moscow,
            start,
            end,
            rrule: null,
            exdates: [],
            status: 'confirmed',
            sequence: 0,
            createdAt: NOW,
            updatedAt: NOW,
          });
          request = book(alice, {
            room: 'deadlock',
            start: start.toISOString(),
            end: end.toISOString(),
            recurrence: { rule: 'FREQ=WEEKLY;COUNT=8' },
          });
          await waitFor(async () => {
            const { rows } = await api.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            return rows[0]!.n > 0;
          }, 'the booking waits for the audit chain');
          await insertOccurrences(tx, winnerId, room.id, [
            { id: randomUUID(), originalStart: start, start, end },
          ]);
        });
        const error = apiError(await request!, 409);
        const conflicts = (error.details as { conflicts: { booking: { id: string } }[] }).conflicts;
        expect(conflicts[0]!.booking.id).toBe(winnerId);
      });

    it('refuses a title that renders as nothing and stores titles in NFC', async () => {
      const before = await count(api.db, 'bookings');
      for (const title of ['\u0301\u0301', '\u200B\u200D\uFEFF']) {
        const error = apiError(await book(alice, { room: 'zal-2', title }), 400);
        expect(error.code).toBe('BAD_REQUEST');
      }
      expect(await count(api.db, 'bookings')).toBe(before);
      const made = booking(
        await book(alice, {
          room: 'zal-2',
          title: 'Cafe\u0301',
          start: '2030-04-22T07:00:00Z',
          end: '2030-04-22T08:00:00Z',
        }),
        201,
      );
      expect(made.title).toBe('Café');
      const renamed = await api.as(alice).patch(`/api/bookings/${made.id}`, { title: '\u3164' });
      expect(apiError(renamed, 400).code).toBe('BAD_REQUEST');
    });

    it('refuses a weekly series that collides with one booking, naming that occurrence; stores nothing', async () => {
      const existing = booking(
        await book(anna, { start: '2030-03-19T07:30:00Z', end: '2030-03-19T08:30:00Z' }),
        201,
      );
      const before = await count(api.db, 'bookings');
      const series = {
        title: 'Планёрка',
        start: '2030-03-12T07:00:00Z',
        end: '2030-03-12T08:00:00Z',
        recurrence: { rule: 'FREQ=WEEKLY;COUNT=4' },
      };
      const error = apiError(await book(alice, series), 409);
      const { conflicts } = error.details as {
        conflicts: { requested: { start: string }; booking: { id: string } }[];
      };
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]!.requested.start).toBe('2030-03-19T07:00:00.000Z');
      expect(conflicts[0]!.booking.id).toBe(existing.id);
      expect(error.message).toContain('2030-03-19T07:00:00.000Z');
      expect(await count(api.db, 'bookings')).toBe(before);

      // Leaving that date out (EXDATE) books the other three.
      const created = booking(
        await book(alice, {
          ...series,
          recurrence: { rule: 'FREQ=WEEKLY;COUNT=4', exdates: ['2030-03-19T10:00:00+03:00'] },
        }),
        201,
      );
      expect(created.occurrences.map((o) => o.start)).toEqual([
        '2030-03-12T07:00:00.000Z',
        '2030-03-26T07:00:00.000Z',
        '2030-04-02T07:00:00.000Z',
      ]);
      expect(created.recurrence).toEqual({
        rule: 'FREQ=WEEKLY;COUNT=4',
        exdates: ['2030-03-19T07:00:00.000Z'],
      });
    });

    it('moves one occurrence of a series and leaves the others; refuses moving it onto another booking', async () => {
      const series = booking(
        await book(alice, {
          room: 'zal-2',
          start: '2030-03-11T06:00:00Z',
          end: '2030-03-11T07:00:00Z',
          recurrence: { rule: 'FREQ=DAILY;COUNT=5' },
        }),
        201,
      );
      const [, second, third] = series.occurrences;
      const moved = booking(
        await api.as(alice).patch(`/api/bookings/${series.id}/occurrences/${second!.id}`, {
          start: '2030-03-12T11:00:00Z',
          end: '2030-03-12T12:30:00Z',
        }),
      );
      const after = moved.occurrences.find((o) => o.id === second!.id)!;
      expect(after).toMatchObject({
        start: '2030-03-12T11:00:00.000Z',
        end: '2030-03-12T12:30:00.000Z',
        originalStart: '2030-03-12T06:00:00.000Z',
        modified: true,
      });
      expect(moved.occurrences.filter((o) => !o.modified).map((o) => o.start)).toEqual([
        '2030-03-11T06:00:00.000Z',
        '2030-03-13T06:00:00.000Z',
        '2030-03-14T06:00:00.000Z',
        '2030-03-15T06:00:00.000Z',
      ]);
      expect(moved.sequence).toBe(1);

      // Onto the next day's occurrence of the same series: refused, nothing moves.
      const error = apiError(
        await api.as(alice).patch(`/api/bookings/${series.id}/occurrences/${second!.id}`, {
          start: '2030-03-13T06:30:00Z',
          end: '2030-03-13T07:30:00Z',
        }),
        409,
      );
      expect(JSON.stringify(error.details)).toContain(third!.id);
      const unchanged = booking(await api.as(alice).get(`/api/bookings/${series.id}`));
      expect(unchanged.occurrences.find((o) => o.id === second!.id)!.start).toBe(
        '2030-03-12T11:00:00.000Z',
      );
      expect(unchanged.sequence).toBe(1);
    });

    it('changes a whole series: new time for every occurrence, invitees replaced', async () => {
      const series = booking(
        await book(alice, {
          room: 'zal-2',
          start: '2030-04-01T06:00:00Z',
          end: '2030-04-01T07:00:00Z',
          recurrence: { rule: 'FREQ=WEEKLY;UNTIL=20300422T235959Z' },
        }),
        201,
      );
      expect(series.occurrences).toHaveLength(4);
      const changed = booking(
        await api.as(alice).patch(`/api/bookings/${series.id}`, {
          title: 'Перенесено',
          start: '2030-04-01T12:00:00Z',
          end: '2030-04-01T13:00:00Z',
          invitees: [{ subject: 'anna' }],
        }),
      );
      expect(changed.title).toBe('Перенесено');
      expect(changed.occurrences.map((o) => o.start)).toEqual([
        '2030-04-01T12:00:00.000Z',
        '2030-04-08T12:00:00.000Z',
        '2030-04-15T12:00:00.000Z',
        '2030-04-22T12:00:00.000Z',
      ]);
      expect(changed.invitations).toEqual([
        { subject: 'anna', email: null, name: 'Anna Smirnova', role: 'attendee' },
      ]);
      expect(changed.sequence).toBe(1);
    });

    it('keeps left-out and cancelled days left out when the series moves to another hour', async () => {
      const series = booking(
        await book(alice, {
          room: 'zal-2',
          start: '2030-06-03T06:00:00Z',
          end: '2030-06-03T07:00:00Z',
          recurrence: { rule: 'FREQ=WEEKLY;COUNT=4', exdates: ['2030-06-10T06:00:00Z'] },
        }),
        201,
      );
      const june17 = series.occurrences.find((o) => o.start === '2030-06-17T06:00:00.000Z')!;
      booking(await api.as(alice).delete(`/api/bookings/${series.id}/occurrences/${june17.id}`));
      const moved = booking(
        await api.as(alice).patch(`/api/bookings/${series.id}`, {
          start: '2030-06-03T11:00:00Z',
          end: '2030-06-03T12:00:00Z',
        }),
      );
      expect(moved.occurrences.map((o) => [o.start, o.status])).toEqual([
        ['2030-06-03T11:00:00.000Z', 'confirmed'],
        ['2030-06-24T11:00:00.000Z', 'confirmed'],
      ]);
      expect(moved.recurrence).toEqual({
        rule: 'FREQ=WEEKLY;COUNT=4',
        exdates: ['2030-06-10T11:00:00.000Z', '2030-06-17T11:00:00.000Z'],
      });
    });

    it('cancelling a series frees its slots; a second cancel changes nothing', async () => {
      const body = {
        room: 'zal-2',
        start: '2030-03-18T14:00:00Z',
        end: '2030-03-18T15:00:00Z',
        recurrence: { rule: 'FREQ=WEEKLY;COUNT=3' },
      };
      const series = booking(await book(alice, body), 201);
      apiError(await book(anna, { ...body, recurrence: null }), 409);
      const cancelled = booking(await api.as(alice).delete(`/api/bookings/${series.id}`));
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.occurrences.every((o) => o.status === 'cancelled')).toBe(true);
      const again = booking(await api.as(alice).delete(`/api/bookings/${series.id}`));
      expect(again.sequence).toBe(cancelled.sequence);
      booking(await book(anna, { ...body, recurrence: null }), 201);
      // Cancelled bookings drop out of the room's schedule.
      const list = await api
        .as(alice)
        .get('/api/bookings?room=zal-2&from=2030-03-25T00:00:00Z&to=2030-03-26T00:00:00Z');
      expect(list.status).toBe(200);
      expect((list.body as { occurrences: unknown[] }).occurrences).toHaveLength(0);
    });

    it('cancels one occurrence of a series; the rest stay booked', async () => {
      const series = booking(
        await book(alice, {
          room: 'zal-2',
          start: '2030-05-06T06:00:00Z',
          end: '2030-05-06T07:00:00Z',
          recurrence: { rule: 'FREQ=MONTHLY;COUNT=3' },
        }),
        201,
      );
      const june = series.occurrences[1]!;
      const after = booking(
        await api.as(alice).delete(`/api/bookings/${series.id}/occurrences/${june.id}`),
      );
      expect(after.status).toBe('confirmed');
      expect(after.occurrences.map((o) => [o.start, o.status])).toEqual([
        ['2030-05-06T06:00:00.000Z', 'confirmed'],
        ['2030-06-06T06:00:00.000Z', 'cancelled'],
        ['2030-07-06T06:00:00.000Z', 'confirmed'],
      ]);
      booking(
        await book(anna, {
          room: 'zal-2',
          start: june.start,
          end: june.end,
          title: 'В освободившееся',
        }),
        201,
      );
    });

    const invalid: [string, Record<string, unknown>][] = [
      ['an end before the start', { start: '2030-03-06T08:00:00Z', end: '2030-03-06T07:00:00Z' }],
      ['an end equal to the start', { start: '2030-03-06T08:00:00Z', end: '2030-03-06T08:00:00Z' }],
      ['more than 24 hours', { start: '2030-03-06T08:00:00Z', end: '2030-03-07T08:01:00Z' }],
      ['a start in the past', { start: '2030-02-28T08:00:00Z', end: '2030-02-28T09:00:00Z' }],
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
      ['a date that is not ISO-8601', { start: 'tomorrow at ten' }],
      ['times that are not whole minutes', { start: '2030-03-06T08:00:30Z' }],
      ['an endless rule', { recurrence: { rule: 'FREQ=WEEKLY' } }],
      ['more than 366 occurrences by COUNT', { recurrence: { rule: 'FREQ=DAILY;COUNT=400' } }],
      [
        'more than 366 occurrences by UNTIL',
        { recurrence: { rule: 'FREQ=DAILY;UNTIL=20320101T000000Z' } },
      ],
      ['an unsupported frequency', { recurrence: { rule: 'FREQ=HOURLY;COUNT=3' } }],
      [
        'a rule whose first date is not the start',
        { recurrence: { rule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=2' } },
      ],
      [
        'an exdate that is not an occurrence',
        { recurrence: { rule: 'FREQ=DAILY;COUNT=2', exdates: ['2030-03-09T07:00:00Z'] } },
      ],
      ['a missing title', { title: undefined }],
      ['an unknown field', { colour: 'red' }],
      ['an invitee with neither subject nor email', { invitees: [{ name: 'Nobody' }] }],
      [
        'more people than the room holds',
        { invitees: ['a', 'b', 'c', 'd', 'e'].map((s) => ({ subject: s })) },
      ],
    ];
    it.each(invalid)('refuses %s with 400 and stores nothing', async (_name, change) => {
      const before = [await count(api.db, 'bookings'), await count(api.db, 'booking_occurrences')];
      const error = apiError(
        await book(alice, {
          start: '2030-03-06T07:00:00Z',
          end: '2030-03-06T08:00:00Z',
          ...change,
        }),
        400,
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message.length).toBeGreaterThan(0);
      expect([await count(api.db, 'bookings'), await count(api.db, 'booking_occurrences')]).toEqual(
        before,
      );
    });

    it('books exactly the capacity (organiser plus invitees)', async () => {
      const full = booking(
        await book(alice, {
          start: '2030-03-07T07:00:00Z',
          end: '2030-03-07T08:00:00Z',
          invitees: ['a', 'b', 'c'].map((s) => ({ subject: s })),
          cohosts: ['anna'],
        }),
        201,
      );
      expect(full.invitations.map((i) => [i.subject, i.role])).toEqual([
        ['anna', 'cohost'],
        ['a', 'attendee'],
        ['b', 'attendee'],
        ['c', 'attendee'],
      ]);
    });

    it('answers 404 for an unknown room and stores nothing', async () => {
      const before = await count(api.db, 'bookings');
      expect(apiError(await book(alice, { room: 'no-such-room' }), 404).code).toBe('NOT_FOUND');
      expect(await count(api.db, 'bookings')).toBe(before);
    });

    it("office staff cannot book another office's room or touch its bookings; an admin can", async () => {
      const slot = { start: '2030-03-08T07:00:00Z', end: '2030-03-08T08:00:00Z' };
      expect(apiError(await book(bob, slot), 403).code).toBe('FORBIDDEN');
      const byAdmin = booking(await book(admin, slot), 201);
      expect(byAdmin.organiser).toEqual({ subject: 'root', displayName: 'Admin' });
      apiError(await api.as(bob).get(`/api/bookings/${byAdmin.id}`), 403);
      apiError(await api.as(bob).delete(`/api/bookings/${byAdmin.id}`), 403);
      apiError(await api.as(bob).patch(`/api/bookings/${byAdmin.id}`, { title: 'mine' }), 403);
      apiError(await api.as(bob).get('/api/bookings?officeId=gov-a'), 403);
      // Alice's own office manages its room's bookings, whoever made them.
      booking(await api.as(alice).patch(`/api/bookings/${byAdmin.id}`, { title: 'ours' }));
      booking(
        await api.as(bob).post('/api/bookings', {
          room: 'b-room',
          title: 'Bob',
          timeZone: moscow,
          ...slot,
        }),
        201,
      );
    });

    it("lists an office's occurrences in a window, earliest first", async () => {
      const res = await api
        .as(anna)
        .get('/api/bookings?officeId=gov-a&from=2030-03-11T00:00:00Z&to=2030-03-13T00:00:00Z');
      expect(res.status).toBe(200);
      const { occurrences } = res.body as { occurrences: { room: string; start: string }[] };
      expect(occurrences.map((o) => [o.room, o.start])).toEqual([
        ['zal-2', '2030-03-11T06:00:00.000Z'],
        ['zal-1', '2030-03-12T07:00:00.000Z'],
        ['zal-2', '2030-03-12T11:00:00.000Z'],
      ]);
      apiError(await api.as(anna).get('/api/bookings?officeId=gov-a&room=zal-1'), 400);
    });

    it('needs a valid token: none, garbage or another secret get 401', async () => {
      expect(apiError(await api.anonymous.get('/api/rooms'), 401).code).toBe('UNAUTHENTICATED');
      const forged = await api.anonymous.raw('/api/rooms', {
        headers: {
          authorization:
            'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb290Iiwicm9sZSI6ImFkbWluIiwiYXVkIjoidmVjaGUifQ.' +
            'c2lnbmF0dXJlLWZyb20tc29tZWJvZHktZWxzZQ',
        },
      });
      apiError(forged, 401);
    });

    it('refuses bodies over 64 KiB with 413 and malformed JSON with 400', async () => {
      const huge = await book(alice, { description: 'x'.repeat(70 * 1024) });
      expect(apiError(huge, 413).code).toBe('PAYLOAD_TOO_LARGE');
      const broken = await api.as(alice).raw('/api/bookings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"room": "zal-1",',
      });
      expect(apiError(broken, 400).message).toContain('JSON');
    });
  });
}
