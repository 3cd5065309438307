// Access events in the audit log (ГОСТ Р 59548-2022: authentication and
// access): every failed sign-in and every refused join leaves a row with the
// code the client was given, the client address, and never the credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../signaling/audit/sink.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

describe('access events are audited (production mode)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (auth?: Record<string, string>) => {
    const c = await connectClient(server.url, auth ? { auth } : {});
    clients.push(c);
    return c;
  };
  const tryJoin = (c: TestClient, room: string, passcode?: string) =>
    c.send('join', {
      room,
      displayName: 'Someone',
      protocolVersion: PROTOCOL_VERSION,
      ...(passcode === undefined ? {} : { passcode }),
    });
  const rows = (action: string) => server.audit.events.filter((e) => e.action === action);
  /** The audit row of the refused join just made, waited for. */
  async function refusalRow(code: string, match: (e: AuditEvent) => boolean = () => true) {
    let row: AuditEvent | undefined;
    await waitFor(() => {
      row = rows('join.refused').find((e) => e.details['code'] === code && match(e));
      return row !== undefined;
    }, `a join.refused row with ${code}`);
    return row!;
  }

  beforeAll(async () => {
    server = await startTestServer({ mode: 'production', adHocRooms: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('a failed sign-in leaves a row with its reason code and the kind of credential', async () => {
    const expired = await server.staffToken({ sub: 'mallory', name: 'M' }, { expiresIn: '-1h' });
    await expect(connect({ token: expired })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(connect({ invite: 'forged' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    await waitFor(() => rows('auth.failed').length === 3, 'three failed sign-ins audited');
    expect(rows('auth.failed').map((e) => e.details)).toEqual([
      { code: 'UNAUTHENTICATED', reason: 'token expired', credential: 'token' },
      { code: 'INVITE_INVALID', reason: 'invite not valid', credential: 'invite' },
      { code: 'UNAUTHENTICATED', reason: expect.any(String) as string, credential: 'none' },
    ]);
    for (const row of rows('auth.failed')) {
      expect(row).toMatchObject({ actor: 'unauthenticated', ip: '127.0.0.1' });
      expect(JSON.stringify(row)).not.toContain(expired);
    }
  });

  it('a refused join leaves a row with the code the client got', async () => {
    const host = await connect({
      token: await server.staffToken({ sub: 'chair', name: 'Chair', role: 'admin' }),
    });
    await host.join('audited', 'x');
    await host.request('setLobby', { enabled: false });
    await host.request('setPasscode', { passcode: '2468' });
    const clerk = await connect({ token: await server.staffToken({ sub: 'clerk', name: 'C' }) });

    expect(await tryJoin(clerk, 'audited')).toMatchObject({
      error: { code: 'PASSCODE_REQUIRED' },
    });
    expect(await tryJoin(clerk, 'audited', '0000')).toMatchObject({
      error: { code: 'PASSCODE_INVALID' },
    });
    expect(await refusalRow('PASSCODE_INVALID')).toMatchObject({
      actor: 'clerk',
      room: 'audited',
      ip: '127.0.0.1',
    });
    // Being asked for the passcode is no access decision: it leaves no row.
    expect(
      server.audit.events.filter(
        (e) => e.action === 'join.refused' && e.details['code'] === 'PASSCODE_REQUIRED',
      ),
    ).toEqual([]);
    expect(JSON.stringify(server.audit.events)).not.toContain('0000');

    await host.request('setRoomLock', { locked: true });
    expect(await tryJoin(clerk, 'audited', '2468')).toMatchObject({
      error: { code: 'ROOM_LOCKED' },
    });
    expect(await refusalRow('ROOM_LOCKED')).toMatchObject({ actor: 'clerk', room: 'audited' });
    await host.request('setRoomLock', { locked: false });

    // An invite used for another room; a banned link.
    const { invite } = await host.request('createInvite', { ttlMinutes: 60 });
    const guest = await connect({ invite });
    expect(await tryJoin(guest, 'elsewhere')).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const forbidden = await refusalRow('FORBIDDEN');
    expect(forbidden.room).toBe('elsewhere');
    expect(forbidden.actor).toMatch(/^guest:/);
    expect(forbidden.details['invite']).toBe(forbidden.actor.slice('guest:'.length));

    const inside = await guest.join('audited', 'Guest', '2468');
    await host.request('banParticipant', { peerId: inside.peerId });
    const again = await connect({ invite });
    expect(await tryJoin(again, 'audited', '2468')).toMatchObject({ error: { code: 'BANNED' } });
    expect(await refusalRow('BANNED')).toMatchObject({ actor: forbidden.actor, room: 'audited' });
  });

  it('a guest turned away from the lobby leaves a row too', async () => {
    const host = await connect({
      token: await server.staffToken({ sub: 'keeper', name: 'K', role: 'admin' }),
    });
    await host.join('gate', 'x');
    const { invite } = await host.request('createInvite', { ttlMinutes: 60 });
    const guest = await connect({ invite });
    const waiting = await tryJoin(guest, 'gate');
    expect(waiting).toMatchObject({ ok: true, data: { status: 'lobby' } });
    if (!waiting.ok) return;
    await host.request('deny', { peerId: waiting.data.peerId });
    await waitFor(
      () => rows('lobby.deny').some((e) => e.target?.startsWith('guest:') === true),
      'the denial audited',
    );
  });
});
