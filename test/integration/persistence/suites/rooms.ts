// Persistent rooms over the API, and the API's own contract (errors, OpenAPI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPasscode } from '../../../../signaling/catalog/passcode.js';
import { PUBLIC_URL, startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { apiError, createRoom, NOW, room } from '../support/fixtures.js';

const { alice, anna, bob, admin } = users;

export function roomSuite(backend: () => Backend) {
  describe('rooms and the API contract', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
    });
    afterAll(() => api.close());

    it('creates a room for the caller’s office, keeping only a hash of the passcode', async () => {
      const created = await createRoom(api, alice, {
        slug: 'кабинет-губернатора',
        name: 'Кабинет губернатора',
        capacity: 12,
        lobby: true,
        passcode: '135790',
      });
      expect(created).toMatchObject({
        officeId: 'gov-a',
        capacity: 12,
        lobby: true,
        passcodeSet: true,
        guestsAllowed: true,
        chatRetentionDays: 30,
        joinUrl: `${PUBLIC_URL}/r/${encodeURIComponent('кабинет-губернатора')}`,
      });
      expect(JSON.stringify(created)).not.toContain('135790');
      const { rows } = await api.db.query<{ passcode_hash: string }>(
        'SELECT passcode_hash FROM rooms WHERE slug = $1',
        ['кабинет-губернатора'],
      );
      expect(rows[0]!.passcode_hash).toMatch(/^scrypt\$/);
      expect(await verifyPasscode('135790', rows[0]!.passcode_hash)).toBe(true);
      expect(await verifyPasscode('000000', rows[0]!.passcode_hash)).toBe(false);

      const fetched = room(
        await api.as(anna).get(`/api/rooms/${encodeURIComponent('кабинет-губернатора')}`),
      );
      expect(fetched.id).toBe(created.id);
    });

    it('changes settings and removes the passcode', async () => {
      const changed = room(
        await api.as(anna).patch(`/api/rooms/${encodeURIComponent('кабинет-губернатора')}`, {
          capacity: 20,
          passcode: null,
          guestsAllowed: false,
        }),
      );
      expect(changed).toMatchObject({
        capacity: 20,
        passcodeSet: false,
        guestsAllowed: false,
        lobby: true,
      });
    });

    it('keeps offices apart: staff see and change only their own rooms; admins any', async () => {
      await createRoom(api, bob, { slug: 'bob-1' });
      apiError(
        await api.as(bob).get(`/api/rooms/${encodeURIComponent('кабинет-губернатора')}`),
        403,
      );
      apiError(
        await api
          .as(bob)
          .patch(
            '/api/rooms/%D0%BA%D0%B0%D0%B1%D0%B8%D0%BD%D0%B5%D1%82-%D0%B3%D1%83%D0%B1%D0%B5%D1%80%D0%BD%D0%B0%D1%82%D0%BE%D1%80%D0%B0',
            { capacity: 1 },
          ),
        403,
      );
      apiError(
        await api
          .as(bob)
          .post('/api/rooms', { slug: 'x', name: 'x', capacity: 2, officeId: 'gov-a' }),
        403,
      );
      const listed = await api.as(alice).get('/api/rooms');
      expect((listed.body as { rooms: { slug: string }[] }).rooms.map((r) => r.slug)).toEqual([
        'кабинет-губернатора',
      ]);
      apiError(await api.as(alice).get('/api/rooms?officeId=gov-b'), 403);
      const all = await api.as(admin).get('/api/rooms');
      expect((all.body as { rooms: unknown[] }).rooms).toHaveLength(2);
      const forB = await createRoom(api, admin, { slug: 'admin-made', officeId: 'gov-b' });
      expect(forB.officeId).toBe('gov-b');
      apiError(
        await api
          .as(admin)
          .post('/api/rooms', { slug: 'y', name: 'y', capacity: 2, officeId: 'nowhere' }),
        404,
      );
    });

    it('refuses a taken name with 409 and a bad one with 400', async () => {
      expect(
        apiError(
          await api.as(alice).post('/api/rooms', { slug: 'bob-1', name: 'again', capacity: 3 }),
          409,
        ).code,
      ).toBe('CONFLICT');
      const bad = apiError(
        await api.as(alice).post('/api/rooms', { slug: 'has space', name: 'x', capacity: 0 }),
        400,
      );
      expect(bad.details).toMatchObject({
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'slug' }),
          expect.objectContaining({ path: 'capacity' }),
        ]),
      });
    });

    it('records creating and changing a room in the audit log, never the passcode itself', async () => {
      const made = await createRoom(api, alice, {
        slug: 'audited-room',
        name: 'Аудит',
        lobby: true,
        passcode: '246810',
      });
      room(
        await api.as(anna).patch('/api/rooms/audited-room', {
          lobby: false,
          passcode: null,
          capacity: 7,
        }),
      );
      const { rows } = await api.db.query<{
        action: string;
        actor: string;
        target: string;
        room: string;
        details: Record<string, unknown>;
      }>(
        `SELECT action, actor, target, room, details FROM audit_log
         WHERE room = 'audited-room' ORDER BY id`,
      );
      expect(rows.map((r) => [r.action, r.actor, r.target])).toEqual([
        ['room.create', 'alice', made.id],
        ['room.update', 'anna', made.id],
      ]);
      expect(rows[0]!.details).toMatchObject({ lobby: true, passcode: 'set', officeId: 'gov-a' });
      expect(rows[1]!.details).toEqual({ lobby: false, passcode: 'removed', capacity: 7 });
      expect(JSON.stringify(rows)).not.toContain('246810');
    });

    it('refuses a room name or passcode that renders as nothing, and stores names in NFC', async () => {
      for (const body of [
        { slug: 'invisible-1', name: '\u0301\u0308' },
        { slug: 'invisible-2', name: '\u200B\u200B\u3164' },
        { slug: 'invisible-3', name: 'Зал', passcode: '\u200B\u200B\u200B\u200B' },
      ]) {
        const res = await api.as(alice).post('/api/rooms', { capacity: 5, ...body });
        expect(apiError(res, 400).code, JSON.stringify(body)).toBe('BAD_REQUEST');
      }
      const made = await createRoom(api, alice, { slug: 'nfc-room', name: 'Cafe\u0301' });
      expect(made.name).toBe('Café');
      const renamed = await api.as(alice).patch('/api/rooms/nfc-room', { name: '\u2800\u2800' });
      expect(apiError(renamed, 400).code).toBe('BAD_REQUEST');
    });

    it('answers unknown endpoints 404 and wrong methods 405, in the error format', async () => {
      expect(apiError(await api.as(alice).get('/api/nothing-here'), 404).code).toBe('NOT_FOUND');
      const wrong = await api.as(alice).put('/api/bookings', {});
      expect(apiError(wrong, 405).code).toBe('BAD_REQUEST');
      expect(wrong.headers.get('allow')).toBe('POST, GET');
      apiError(await api.as(alice).get('/api/rooms/no-such-room'), 404);
      apiError(await api.as(alice).get('/api/bookings/not-a-uuid'), 400);
    });

    it('publishes an OpenAPI 3 document generated from the request schemas', async () => {
      const res = await api.anonymous.get('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = res.body as {
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              requestBody?: {
                content: Record<
                  string,
                  { schema: { required?: string[]; properties: Record<string, unknown> } }
                >;
              };
              parameters: { name: string; in: string }[];
              responses: Record<string, unknown>;
            }
          >
        >;
      };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/api/bookings',
        '/api/bookings/{id}',
        '/api/bookings/{id}/ics',
        '/api/bookings/{id}/occurrences/{occurrenceId}',
        '/api/offices',
        '/api/offices/{id}',
        '/api/offices/{id}/calendar.ics',
        '/api/offices/{id}/meetings',
        '/api/organisations',
        '/api/organisations/{id}',
        '/api/rooms',
        '/api/rooms/{slug}',
        '/api/rooms/{slug}/meetings',
      ]);
      const create = doc.paths['/api/bookings']!.post!;
      const schema = create.requestBody!.content['application/json']!.schema;
      expect(schema.required).toEqual(
        expect.arrayContaining(['room', 'title', 'start', 'end', 'timeZone']),
      );
      expect(Object.keys(schema.properties)).toContain('recurrence');
      expect(Object.keys(create.responses)).toEqual(
        expect.arrayContaining(['201', '400', '401', '403', '404', '409', '413']),
      );
      const list = doc.paths['/api/bookings']!.get!;
      expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
        expect.arrayContaining(['query:room', 'query:officeId', 'query:from', 'query:to']),
      );
    });

    it('lets admins name organisations and offices', async () => {
      apiError(await api.as(alice).put('/api/organisations/region', { name: 'Region' }), 403);
      expect(
        (await api.as(admin).put('/api/organisations/region', { name: 'Регион' })).status,
      ).toBe(200);
      const office = await api
        .as(admin)
        .put('/api/offices/gov-a', { name: 'Аппарат губернатора', organisationId: 'region' });
      expect(office.body).toEqual({
        id: 'gov-a',
        name: 'Аппарат губернатора',
        organisationId: 'region',
      });
      const offices = await api.as(alice).get('/api/offices');
      expect((offices.body as { offices: { id: string }[] }).offices.map((o) => o.id)).toEqual([
        'gov-a',
        'gov-b',
      ]);
    });
  });
}
