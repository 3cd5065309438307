// Invitations as calendar clients read them: parsed by ical.js, an
// independent iCalendar implementation, not by our own code.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { apiError, booking, createRoom, NOW } from '../support/fixtures.js';

const { alice, anna, bob } = users;

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone'))
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const vevents = calendar.getAllSubcomponents('vevent');
  return { calendar, vevents, events: vevents.map((v) => new ICAL.Event(v)) };
}

export function icsSuite(backend: () => Backend) {
  describe('invitations (ICS)', () => {
    let api: TestApi;
    let id: string;
    const ics = async (bookingId = id) => {
      const res = await api.as(alice).get(`/api/bookings/${bookingId}/ics`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
      return res.text;
    };

    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      await createRoom(api, alice, { slug: 'зал-совещаний', name: 'Зал совещаний' });
      // Both have signed in once, so their names are known.
      expect((await api.as(bob).get('/api/rooms')).status).toBe(200);
      expect((await api.as(anna).get('/api/rooms')).status).toBe(200);
      // Weekly at 10:00 in Berlin across the 2030-03-31 DST change.
      id = booking(
        await api.as(alice).post('/api/bookings', {
          room: 'зал-совещаний',
          title: 'Еженедельная планёрка; отдел №1, корпус "Б"',
          description: 'Повестка: бюджет, кадры и всё остальное. '.repeat(6).trim(),
          start: '2030-03-18T09:00:00Z',
          end: '2030-03-18T10:00:00Z',
          timeZone: 'Europe/Berlin',
          recurrence: { rule: 'FREQ=WEEKLY;COUNT=4' },
          invitees: [{ subject: 'anna' }, { email: 'Guest@Example.org', name: 'Guest, External' }],
          cohosts: ['bob'],
        }),
        201,
      ).id;
    });
    afterAll(() => api.close());

    it('is a REQUEST with a VTIMEZONE, the organiser, attendees and the join link', async () => {
      const text = await ics();
      const { calendar, events } = parse(text);
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      const zone = calendar.getFirstSubcomponent('vtimezone')!;
      expect(zone.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
      expect(events).toHaveLength(1);
      const event = events[0]!;
      expect(event.uid).toBe(`${id}@veche`);
      expect(event.sequence).toBe(0);
      expect(event.summary).toBe('Еженедельная планёрка; отдел №1, корпус "Б"');
      const link = `${PUBLIC_URL}/r/${encodeURIComponent('зал-совещаний')}`;
      expect(event.location).toBe(link);
      expect(event.component.getFirstPropertyValue('url')).toBe(link);
      expect(event.description).toContain(link);
      expect(event.description).toContain('Повестка: бюджет, кадры и всё остальное. Повестка');
      const organizer = event.component.getFirstProperty('organizer')!;
      expect(organizer.getParameter('cn')).toBe('Алиса Петрова');
      const attendees = event.attendees.map((a) => [
        a.getParameter('cn'),
        a.getParameter('role'),
        a.getFirstValue(),
      ]);
      expect(attendees).toEqual([
        ['Bob Ivanov', 'CHAIR', 'urn:x-veche:user:bob'],
        ['Anna Smirnova', 'REQ-PARTICIPANT', 'urn:x-veche:user:anna'],
        ['Guest, External', 'REQ-PARTICIPANT', 'mailto:guest@example.org'],
      ]);
    });

    it('puts DTSTART in the organiser zone and recurs at 10:00 local across the DST change', async () => {
      const { events } = parse(await ics());
      const event = events[0]!;
      expect(event.startDate.zone.tzid).toBe('Europe/Berlin');
      expect(event.startDate.toString()).toBe('2030-03-18T10:00:00');
      const iterator = event.iterator();
      const starts: string[] = [];
      for (let next = iterator.next(); next; next = iterator.next())
        starts.push(next.toJSDate().toISOString());
      const stored = booking(await api.as(alice).get(`/api/bookings/${id}`));
      expect(starts).toEqual(stored.occurrences.map((o) => o.start));
      expect(starts).toEqual([
        '2030-03-18T09:00:00.000Z',
        '2030-03-25T09:00:00.000Z',
        '2030-04-01T08:00:00.000Z',
        '2030-04-08T08:00:00.000Z',
      ]);
    });

    it('folds lines at 75 octets with CRLF, without splitting a character', async () => {
      const text = await ics();
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lines = text.split('\r\n').slice(0, -1);
      for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(lines.some((l) => l.startsWith(' '))).toBe(true);
      expect(text).not.toContain('\uFFFD');
    });

    it('keeps the UID and raises SEQUENCE on every change; a moved occurrence becomes an override', async () => {
      const before = booking(await api.as(alice).get(`/api/bookings/${id}`));
      const second = before.occurrences[1]!;
      booking(
        await api.as(alice).patch(`/api/bookings/${id}/occurrences/${second.id}`, {
          start: '2030-03-25T13:00:00Z',
          end: '2030-03-25T14:00:00Z',
        }),
      );
      let parsed = parse(await ics());
      expect(parsed.events.map((e) => [e.uid, e.sequence])).toEqual([
        [`${id}@veche`, 1],
        [`${id}@veche`, 1],
      ]);
      const override = parsed.events.find((e) => e.isRecurrenceException())!;
      expect(override.recurrenceId.toJSDate().toISOString()).toBe('2030-03-25T09:00:00.000Z');
      expect(override.startDate.toJSDate().toISOString()).toBe('2030-03-25T13:00:00.000Z');

      const third = before.occurrences[2]!;
      booking(await api.as(alice).delete(`/api/bookings/${id}/occurrences/${third.id}`));
      parsed = parse(await ics());
      const master = parsed.events.find((e) => !e.isRecurrenceException())!;
      expect(master.sequence).toBe(2);
      const exdates = master.component
        .getAllProperties('exdate')
        .flatMap((p) => p.getValues() as ICAL.Time[])
        .map((t) => t.toJSDate().toISOString());
      expect(exdates).toEqual(['2030-04-01T08:00:00.000Z']);

      booking(await api.as(alice).patch(`/api/bookings/${id}`, { title: 'Новое название' }));
      parsed = parse(await ics());
      expect(parsed.events[0]!.sequence).toBe(3);
      expect(parsed.events[0]!.uid).toBe(`${id}@veche`);
    });

    it('is a CANCEL with the same UID and a higher SEQUENCE once the booking is cancelled', async () => {
      booking(await api.as(alice).delete(`/api/bookings/${id}`));
      const { calendar, events } = parse(await ics());
      expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
      expect(events).toHaveLength(1);
      expect(events[0]!.uid).toBe(`${id}@veche`);
      expect(events[0]!.sequence).toBe(4);
      expect(events[0]!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(events[0]!.attendees).toHaveLength(3);
    });

    it("serves each office's bookings as a feed to its staff only", async () => {
      const one = booking(
        await api.as(anna).post('/api/bookings', {
          room: 'зал-совещаний',
          title: 'Разовая встреча',
          start: '2030-03-20T07:00:00Z',
          end: '2030-03-20T08:30:00Z',
          timeZone: 'Europe/Moscow',
        }),
        201,
      );
      const res = await api.as(anna).get('/api/offices/gov-a/calendar.ics');
      expect(res.status, res.text).toBe(200);
      const { calendar, events } = parse(res.text);
      expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
      // The cancelled series is gone; the one-off meeting is there, in Moscow time.
      expect(events.map((e) => e.uid)).toEqual([`${one.id}@veche`]);
      expect(events[0]!.startDate.zone.tzid).toBe('Europe/Moscow');
      expect(events[0]!.startDate.toString()).toBe('2030-03-20T10:00:00');
      expect(events[0]!.endDate.toJSDate().toISOString()).toBe('2030-03-20T08:30:00.000Z');
      apiError(await api.as(bob).get('/api/offices/gov-a/calendar.ics'), 403);
    });
  });
}
