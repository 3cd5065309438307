// Every settings change and moderation action leaves an audit row saying who
// did what in which room (ГОСТ Р 59548-2022: policy changes are security
// events) — and never the secret it handed out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('audit coverage of settings and moderation', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const member = async (room: string, name: string) => {
    const client = await connectClient(server.url);
    clients.push(client);
    const joined = await client.join(room, name);
    return { client, joined };
  };
  const rowsOf = (room: string) => server.audit.events.filter((e) => e.room === room);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('lobby, chat and screen-share policy changes each leave a row with the new value', async () => {
    const host = await member('policies', 'Host');
    await host.client.request('setLobby', { enabled: true });
    await host.client.request('setLobby', { enabled: false });
    await host.client.request('setChatEnabled', { enabled: false });
    await host.client.request('setScreenShareAllowed', { allowed: false });
    const rows = rowsOf('policies');
    expect(rows.map((e) => [e.action, e.details])).toEqual([
      ['room.lobby', { enabled: true }],
      ['room.lobby', { enabled: false }],
      ['room.chat', { enabled: false }],
      ['room.screenShare', { allowed: false }],
    ]);
    // All by the host, whoever they are to the server.
    expect(new Set(rows.map((e) => e.actor)).size).toBe(1);
  });

  it('creating an invite leaves a row with its role, name and expiry, not the link', async () => {
    const host = await member('inviting', 'Host');
    const { invite, expiresAt } = await host.client.request('createInvite', {
      role: 'guest',
      name: 'Гость',
      ttlMinutes: 60,
    });
    const rows = rowsOf('inviting').filter((e) => e.action === 'invite.create');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toEqual({
      role: 'guest',
      name: 'Гость',
      expiresAt: new Date(expiresAt).toISOString(),
    });
    expect(JSON.stringify(rows[0])).not.toContain(invite);
  });

  it('mute-all leaves one row even when nobody has a microphone on', async () => {
    const host = await member('quiet', 'Host');
    await member('quiet', 'Bob');
    await member('quiet', 'Eve');
    await host.client.request('muteAll', {});
    const rows = rowsOf('quiet').filter((e) => e.action === 'peer.mute');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toMatchObject({ all: true });
  });
});
