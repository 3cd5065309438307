// Meeting history and the room policy that bookings give meetings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../../signaling/auth/identity.js';
import { effectiveRoomPolicy } from '../../../../signaling/bookings/policy.js';
import {
  meetingEnded,
  meetingStarted,
  peerJoined,
  peerLeft,
} from '../../../../signaling/meetings/history.js';
import { startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { apiError, booking, createRoom, NOW } from '../support/fixtures.js';

const { alice, anna, bob } = users;
const staff = (subject: string, office: string): Identity => ({
  kind: 'staff',
  subject,
  displayName: subject,
  office,
  globalRole: 'staff',
});
const at = (iso: string) => new Date(iso);

export function meetingSuite(backend: () => Backend) {
  describe('meetings', () => {
    let api: TestApi;
    let bookingId: string;
    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      await createRoom(api, alice, {
        slug: 'board',
        lobby: true,
        passcode: '2468',
        guestsAllowed: false,
      });
      bookingId = booking(
        await api.as(alice).post('/api/bookings', {
          room: 'board',
          title: 'Board meeting',
          start: '2030-03-12T07:00:00Z',
          end: '2030-03-12T09:00:00Z',
          timeZone: 'Europe/Moscow',
          invitees: [{ subject: 'carol' }],
          cohosts: ['anna'],
        }),
        201,
      ).id;
    });
    afterAll(() => api.close());

    it('records who joined a booked meeting, when and for how long', async () => {
      const id = await meetingStarted(api.db, {
        roomSlug: 'board',
        at: at('2030-03-12T07:01:00Z'),
      });
      const join = (peerId: string, userKey: string, iso: string) =>
        peerJoined(api.db, id, { peerId, userKey, displayName: userKey, at: at(iso) });
      await join('p1', 'alice', '2030-03-12T07:01:00Z');
      await join('p2', 'anna', '2030-03-12T07:02:00Z');
      await join('p3', 'guest:inv-1', '2030-03-12T07:03:00Z');
      await peerLeft(api.db, id, 'p2', at('2030-03-12T07:32:00Z'));
      await join('p4', 'anna', '2030-03-12T07:40:00Z');
      await meetingEnded(api.db, id, at('2030-03-12T08:01:00Z'));

      const res = await api.as(anna).get('/api/rooms/board/meetings');
      expect(res.status, res.text).toBe(200);
      const [meeting] = (res.body as { meetings: Record<string, unknown>[] }).meetings;
      expect(meeting).toMatchObject({
        id,
        room: 'board',
        startedAt: '2030-03-12T07:01:00.000Z',
        endedAt: '2030-03-12T08:01:00.000Z',
        peakParticipants: 3,
      });
      const { rows } = await api.db.query<{ id: string }>(
        'SELECT o.id FROM booking_occurrences o WHERE o.booking_id = $1',
        [bookingId],
      );
      expect(meeting!.occurrenceId).toBe(rows[0]!.id);
      expect(
        (meeting!.participants as { userKey: string; seconds: number }[]).map((p) => [
          p.userKey,
          p.seconds,
        ]),
      ).toEqual([
        ['alice', 3600],
        ['anna', 1800],
        ['guest:inv-1', 3480],
        ['anna', 1260],
      ]);

      const office = await api.as(alice).get('/api/offices/gov-a/meetings');
      expect((office.body as { meetings: { id: string }[] }).meetings.map((m) => m.id)).toEqual([
        id,
      ]);
      apiError(await api.as(bob).get('/api/offices/gov-a/meetings'), 403);
      apiError(await api.as(bob).get('/api/rooms/board/meetings'), 403);
    });

    it('during the booked slot: organiser hosts, co-host co-hosts, invitees skip the lobby', async () => {
      const during = at('2030-03-12T08:00:00Z');
      const policy = (identity: Identity) => effectiveRoomPolicy(api.db, 'board', identity, during);
      expect(await policy(staff('alice', 'gov-a'))).toMatchObject({
        exists: true,
        role: 'host',
        skipLobby: true,
        passcodeRequired: false,
        bookingId,
      });
      expect(await policy(staff('anna', 'gov-a'))).toMatchObject({
        role: 'cohost',
        skipLobby: true,
      });
      expect(await policy(staff('carol', 'gov-c'))).toMatchObject({
        role: 'participant',
        skipLobby: true,
        passcodeRequired: false,
      });
      expect(await policy(staff('dave', 'gov-a'))).toEqual({
        exists: true,
        role: 'participant',
        skipLobby: false,
        lobby: true,
        passcodeRequired: true,
        guestsAllowed: false,
        bookingId,
      });
    });

    it("outside booked slots the room's settings apply and its office runs it", async () => {
      const after = at('2030-03-12T09:00:00Z'); // the slot is [07:00, 09:00)
      expect(await effectiveRoomPolicy(api.db, 'board', staff('dave', 'gov-a'), after)).toEqual({
        exists: true,
        role: 'host',
        skipLobby: true,
        lobby: true,
        passcodeRequired: false,
        guestsAllowed: false,
        bookingId: undefined,
      });
      expect(
        await effectiveRoomPolicy(api.db, 'board', staff('carol', 'gov-c'), after),
      ).toMatchObject({
        role: 'participant',
        skipLobby: false,
        passcodeRequired: true,
      });
      expect(
        await effectiveRoomPolicy(api.db, 'board', { kind: 'anonymous' }, after),
      ).toMatchObject({
        role: 'guest',
        lobby: true,
      });
      expect(
        await effectiveRoomPolicy(api.db, 'no-such-room', staff('alice', 'gov-a'), after),
      ).toMatchObject({
        exists: false,
        role: 'participant',
      });
    });
  });
}
