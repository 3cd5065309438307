// An invite link says how someone was invited, not who they are: anyone may
// forward it. Admission from the lobby belongs to the person the host let in
// (their connection, or their resume token after a drop), never to the link.
// A ban of a link guest bans the link: it is the only lasting id they have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/** Cuts the connection the way a network change does (no goodbye). */
const dropNetwork = (client: TestClient) => client.socket.io.engine.close();

describe('admission through a shared invite link (production mode, lobby on)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (auth: Record<string, string>) => {
    const c = await connectClient(server.url, { auth });
    clients.push(c);
    return c;
  };
  const enter = (c: TestClient, room: string, displayName: string) =>
    c.request('join', { room, displayName, protocolVersion: PROTOCOL_VERSION });

  /** A host in `room` (lobby on by default in production) and a guest link to it. */
  async function roomWithLink(room: string) {
    const host = await connect({
      token: await server.staffToken({ sub: `chair-${room}`, name: 'Председатель', role: 'admin' }),
    });
    const hostJoin = await host.join(room, 'x');
    expect(hostJoin).toMatchObject({ role: 'host', settings: { lobby: true } });
    const { invite } = await host.request('createInvite', { ttlMinutes: 60 });
    return { host, invite, hostPeerId: hostJoin.peerId };
  }

  /** A guest with the link waits, the host admits them, they enter. */
  async function admitted(host: TestClient, invite: string, room: string, name: string) {
    const guest = await connect({ invite });
    const waiting = await enter(guest, room, name);
    expect(waiting.status).toBe('lobby');
    await host.next('lobbyChanged', (p) => p.lobby.some((e) => e.peerId === waiting.peerId));
    await host.request('admit', { peerId: waiting.peerId });
    expect(await guest.next('lobbyDecision')).toEqual({ admitted: true });
    const joined = await guest.join(room, name);
    expect(joined).toMatchObject({ role: 'guest', peerId: waiting.peerId });
    return { guest, joined };
  }

  beforeAll(async () => {
    server = await startTestServer({ mode: 'production', adHocRooms: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('someone else with the same link waits for their own admission, before and after the first guest leaves', async () => {
    const { host, invite } = await roomWithLink('council');
    const { guest: anna } = await admitted(host, invite, 'council', 'Анна');

    const boris = await connect({ invite });
    const borisReply = await enter(boris, 'council', 'Борис');
    expect(borisReply.status).toBe('lobby');
    expect(
      (await host.next('lobbyChanged', (p) => p.lobby.length === 1)).lobby.map(
        (e) => e.displayName,
      ),
    ).toEqual(['Борис']);

    await anna.request('leave', {});
    const clara = await connect({ invite });
    expect((await enter(clara, 'council', 'Клара')).status).toBe('lobby');

    // Admitting Boris lets Boris in, and only him.
    await host.request('admit', { peerId: borisReply.peerId });
    expect(await boris.join('council', 'Борис')).toMatchObject({ peerId: borisReply.peerId });
    const dora = await connect({ invite });
    expect((await enter(dora, 'council', 'Дора')).status).toBe('lobby');
  });

  it("someone with the same link does not take over an admitted guest's dropped place", async () => {
    const { host, invite } = await roomWithLink('dropped');
    const { guest: anna, joined } = await admitted(host, invite, 'dropped', 'Анна');
    dropNetwork(anna);
    await host.next('peerUpdated', (p) => p.peer.id === joined.peerId && p.peer.reconnecting);

    const boris = await connect({ invite });
    const reply = await enter(boris, 'dropped', 'Борис');
    expect(reply.status).toBe('lobby');
    expect(reply.peerId).not.toBe(joined.peerId);
    // The dropped guest still comes back with their own resume token.
    const back = await connect({ invite });
    expect(
      await back.request('join', {
        room: 'dropped',
        displayName: 'Анна',
        protocolVersion: PROTOCOL_VERSION,
        resumeToken: joined.resumeToken,
      }),
    ).toMatchObject({ status: 'joined', resumed: true, peerId: joined.peerId });
  });

  it("someone else with the same link does not read the first guest's private messages", async () => {
    const { host, invite, hostPeerId } = await roomWithLink('private');
    const { guest: anna, joined } = await admitted(host, invite, 'private', 'Анна');
    await host.request('sendChat', { text: 'Пароль от сейфа: 1234', toPeerId: joined.peerId });
    expect((await anna.next('chatMessage')).message.text).toBe('Пароль от сейфа: 1234');
    await anna.request('sendChat', { text: 'Спасибо', toPeerId: hostPeerId });
    await anna.request('leave', {});

    const { guest: boris, joined: borisJoin } = await admitted(host, invite, 'private', 'Борис');
    expect(borisJoin.chat).toEqual([]);
    // Messages reach the one they are addressed to, and are theirs alone.
    await host.request('sendChat', { text: 'Добро пожаловать', toPeerId: borisJoin.peerId });
    expect((await boris.next('chatMessage')).message).toMatchObject({
      text: 'Добро пожаловать',
      private: true,
    });
  });

  it('a ban of a link guest bans the link: every holder is refused', async () => {
    const { host, invite } = await roomWithLink('banned');
    const { joined } = await admitted(host, invite, 'banned', 'Анна');
    await host.request('banParticipant', { peerId: joined.peerId });

    const boris = await connect({ invite });
    expect(
      await boris.send('join', {
        room: 'banned',
        displayName: 'Борис',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ).toMatchObject({ ok: false, error: { code: 'BANNED' } });
    // A fresh link from the host works again.
    const { invite: fresh } = await host.request('createInvite', { ttlMinutes: 60 });
    const clara = await connect({ invite: fresh });
    expect((await enter(clara, 'banned', 'Клара')).status).toBe('lobby');
  });
});
