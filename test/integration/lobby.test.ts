// Production defaults: staff sign in with tokens, guests with invites, and
// nobody gets past the lobby by arriving early.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('lobby and sign-in (production mode)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (auth?: Record<string, string>) => {
    const c = await connectClient(server.url, auth ? { auth } : {});
    clients.push(c);
    return c;
  };
  const enter = (c: TestClient, room: string, displayName = 'Someone') =>
    c.request('join', { room, displayName, protocolVersion: PROTOCOL_VERSION });

  beforeAll(async () => {
    server = await startTestServer({ mode: 'production', adHocRooms: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses anonymous, expired, tampered and wrong-audience credentials at connect', async () => {
    await expect(connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const expired = await server.staffToken({ sub: 'a', name: 'A' }, { expiresIn: '-1h' });
    await expect(connect({ token: expired })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const foreign = await server.staffToken({ sub: 'a', name: 'A' }, { audience: 'payroll' });
    await expect(connect({ token: foreign })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const { token } = await server.invites.issue({ room: 'r', ttlSeconds: 60 });
    await expect(connect({ invite: token.slice(0, -4) + 'AAAA' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(connect({ invite: 'garbage' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a guest who arrives before the host waits, sees nobody, and can do nothing', async () => {
    const { token } = await server.invites.issue({
      room: 'governor',
      ttlSeconds: 600,
      name: 'Гость Иванов',
    });
    const guest = await connect({ invite: token });
    const waiting = await enter(guest, 'governor', 'I pick my own name');
    expect(waiting).toEqual({
      status: 'lobby',
      protocolVersion: PROTOCOL_VERSION,
      peerId: waiting.peerId,
      room: 'governor',
      displayName: 'Гость Иванов',
    });
    for (const [type, payload] of [
      ['createTransport', { direction: 'recv' }],
      ['sendChat', { text: 'let me in' }],
      ['raiseHand', {}],
      ['react', { reaction: 'clap' }],
    ] as const) {
      expect(await guest.send(type, payload as never), type).toMatchObject({
        ok: false,
        error: { code: 'IN_LOBBY' },
      });
    }

    // The host (a staff admin) arrives and sees the queue.
    const host = await connect({
      token: await server.staffToken({ sub: 'gov', name: 'Губернатор', role: 'admin' }),
    });
    const hostJoin = await host.join('governor', 'ignored');
    expect(hostJoin).toMatchObject({
      role: 'host',
      displayName: 'Губернатор',
      settings: { lobby: true },
    });
    expect(hostJoin.lobby).toEqual([
      expect.objectContaining({ peerId: waiting.peerId, displayName: 'Гость Иванов', guest: true }),
    ]);
    const staff = await connect({
      token: await server.staffToken({ sub: 'clerk', name: 'Секретарь' }),
    });
    expect(await enter(staff, 'governor')).toMatchObject({ status: 'lobby' });
    const queue = await host.next('lobbyChanged', (p) => p.lobby.length === 2);
    expect(queue.lobby.map((e) => e.displayName)).toEqual(['Гость Иванов', 'Секретарь']);

    // While waiting, the guest heard nothing of who is inside.
    expect(
      guest.received.filter((r) => r.type === 'peerJoined' || r.type === 'newConsumer'),
    ).toEqual([]);

    await host.request('admit', { peerId: waiting.peerId });
    expect(await guest.next('lobbyDecision')).toEqual({ admitted: true });
    const admitted = await guest.join('governor', 'x');
    expect(admitted).toMatchObject({
      role: 'guest',
      displayName: 'Гость Иванов',
      peerId: waiting.peerId,
    });
    expect(admitted.peers.map((p) => p.displayName)).toEqual(['Губернатор']);
    expect(server.audit.events.map((e) => e.action)).toContain('lobby.admit');

    const staffPeer = (
      await host.next(
        'lobbyChanged',
        (p) => p.lobby.length === 1 && p.lobby[0]!.displayName === 'Секретарь',
      )
    ).lobby[0]!;
    expect(staffPeer.displayName).toBe('Секретарь');
    await host.request('deny', { peerId: staffPeer.peerId });
    expect(await staff.next('lobbyDecision')).toEqual({ admitted: false });
  });

  it('an invite opens only its own room and staff cannot rename themselves', async () => {
    const { token } = await server.invites.issue({ room: 'alpha', ttlSeconds: 600 });
    const guest = await connect({ invite: token });
    expect(
      await guest.send('join', {
        room: 'beta',
        displayName: 'G',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const host = await connect({
      token: await server.staffToken({ sub: 'boss', name: 'Начальник', role: 'admin' }),
    });
    const joined = await host.join('beta', 'Totally Someone Else');
    expect(joined.displayName).toBe('Начальник');
  });

  it('ad-hoc rooms are off in production unless enabled', async () => {
    const strict = await startTestServer({ mode: 'production', adHocRooms: false });
    try {
      const c = await connectClient(strict.url, {
        auth: { token: await strict.staffToken({ sub: 'a', name: 'A', role: 'admin' }) },
      });
      clients.push(c);
      expect(
        await c.send('join', {
          room: 'adhoc',
          displayName: 'A',
          protocolVersion: PROTOCOL_VERSION,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'ROOM_NOT_FOUND' },
      });
    } finally {
      await strict.close();
    }
  });
});
