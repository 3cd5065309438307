// Bookings drive meetings: a governor's office books a room through the REST
// API; during the slot the organiser hosts, the named co-host co-hosts, the
// invitee skips the lobby and everyone else waits. Chat, moderation and the
// meeting's history land in the database (PGlite here, same SQL as PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/verify.js';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

const slotStart = new Date('2030-05-14T07:00:00Z');
const during = new Date('2030-05-14T07:15:00Z');

describe('a booked meeting', () => {
  let db: Database;
  let server: TestServer;
  let now = new Date('2030-05-01T09:00:00Z');
  const clients: TestClient[] = [];
  const staff = {
    alice: { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' },
    anna: { sub: 'anna', name: 'Анна Смирнова', office: 'gov-a' },
    oleg: { sub: 'oleg', name: 'Олег Ким', office: 'gov-a' },
    boris: { sub: 'boris', name: 'Борис Орлов', office: 'gov-b' },
  };
  const api = async (who: keyof typeof staff, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await server.staffToken(staff[who])}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const joinAs = async (who: keyof typeof staff) => {
    const c = await connectClient(server.url, {
      auth: { token: await server.staffToken(staff[who]) },
    });
    clients.push(c);
    return {
      client: c,
      reply: await c.request('join', {
        room: 'oblast-council',
        displayName: 'x',
        protocolVersion: PROTOCOL_VERSION,
      }),
    };
  };

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ mode: 'production', adHocRooms: false, db, now: () => now });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    await db.close();
  });

  it('the office books its room; the booking decides who hosts and who waits', async () => {
    const room = await api('alice', 'POST', '/api/rooms', {
      slug: 'oblast-council',
      name: 'Совет области',
      capacity: 20,
      lobby: true,
    });
    expect(room.status).toBe(201);
    const booking = await api('alice', 'POST', '/api/bookings', {
      room: 'oblast-council',
      title: 'Заседание совета',
      start: slotStart.toISOString(),
      end: new Date(slotStart.getTime() + 3600_000).toISOString(),
      timeZone: 'Asia/Yekaterinburg',
      invitees: [{ subject: 'anna' }],
      cohosts: ['oleg'],
    });
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    now = during;

    // Boris (another office, not invited) arrives first: the lobby, not the meeting.
    const boris = await joinAs('boris');
    expect(boris.reply.status).toBe('lobby');
    const alice = await joinAs('alice');
    expect(alice.reply).toMatchObject({
      status: 'joined',
      role: 'host',
      displayName: 'Алиса Петрова',
    });
    const oleg = await joinAs('oleg');
    expect(oleg.reply).toMatchObject({ status: 'joined', role: 'cohost' });
    const anna = await joinAs('anna');
    expect(anna.reply).toMatchObject({ status: 'joined', role: 'participant' });

    // Chat and moderation are stored durably.
    await anna.client.request('sendChat', { text: 'Доклад готов' });
    await alice.client.request('deny', { peerId: boris.reply.peerId });
    const chat = await db.query<{ text: string }>(
      'SELECT body AS text FROM chat_messages WHERE room = $1',
      ['oblast-council'],
    );
    expect(chat.rows.map((r) => r.text)).toEqual(['Доклад готов']);
    const audit = await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id');
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['booking.create', 'lobby.deny']),
    );
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // A late joiner who is not invited waits; the history shows who met.
    await anna.client.request('leave', {});
    await waitFor(async () => {
      const stays = await db.query<{ left_at: Date | null }>(
        "SELECT p.left_at FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id WHERE m.room_slug = 'oblast-council' AND p.display_name = 'Анна Смирнова'",
      );
      return stays.rows[0]?.left_at != null;
    }, 'Anna’s stay closed in the history');
    const history = await api('alice', 'GET', '/api/rooms/oblast-council/meetings');
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('Олег Ким');
  });

  it('outside the slot the owning office hosts and others follow the room settings', async () => {
    now = new Date('2030-05-20T07:15:00Z');
    const boris = await joinAs('boris');
    expect(boris.reply.status).toBe('lobby');
  });
});
