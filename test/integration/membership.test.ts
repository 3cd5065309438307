// Every way out of a room is the same departure: leaving, being removed or
// banned, a dropped connection whose grace period ends and the end of the
// meeting each close the stay in the meeting's history, and a host who goes
// any of these ways is succeeded by the co-host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

/** Cuts the connection the way a network change does (no goodbye). */
const dropNetwork = (client: TestClient) => client.socket.io.engine.close();

describe('one membership path', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer({ reconnectGraceMs: 300 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  const meetingOf = (room: string) =>
    [...server.meetings.meetings.values()].find((m) => m.room === room);
  const stayClosed = (room: string, peerId: string) => () =>
    meetingOf(room)?.stays.some((s) => s.peerId === peerId && s.leftAt !== undefined) ?? false;

  it('leaving, removal, ban, a grace period run out and the end of the meeting close stays', async () => {
    const host = await connect();
    await host.join('ways', 'Host');
    const [leaver, removed, banned, dropped] = await Promise.all(
      ['Leaver', 'Removed', 'Banned', 'Dropped'].map(async (name) => {
        const client = await connect();
        return { client, peerId: (await client.join('ways', name)).peerId };
      }),
    );
    await leaver!.client.request('leave', {});
    await waitFor(stayClosed('ways', leaver!.peerId), 'a leaver’s stay ends');
    await host.request('removeParticipant', { peerId: removed!.peerId });
    await waitFor(stayClosed('ways', removed!.peerId), 'a removed person’s stay ends');
    await host.request('banParticipant', { peerId: banned!.peerId });
    await waitFor(stayClosed('ways', banned!.peerId), 'a banned person’s stay ends');
    dropNetwork(dropped!.client);
    await waitFor(stayClosed('ways', dropped!.peerId), 'a dropped person’s stay ends after grace');
    expect(meetingOf('ways')?.endedAt).toBeUndefined();
    await host.request('endMeeting', {});
    await waitFor(() => meetingOf('ways')?.endedAt !== undefined, 'the meeting ends');
    expect(meetingOf('ways')?.stays.every((s) => s.leftAt !== undefined)).toBe(true);
  });

  it('a host whose connection does not come back is succeeded by the co-host', async () => {
    const host = await connect();
    const hostJoin = await host.join('succession', 'Host');
    const cohost = await connect();
    const cohostJoin = await cohost.join('succession', 'Co-host');
    await host.request('setRole', { peerId: cohostJoin.peerId, role: 'cohost' });
    dropNetwork(host);
    expect((await cohost.next('peerLeft')).peerId).toBe(hostJoin.peerId);
    const promoted = await cohost.next(
      'peerUpdated',
      (p) => p.peer.id === cohostJoin.peerId && p.peer.role === 'host',
    );
    expect(promoted.peer).toMatchObject({ displayName: 'Co-host', reconnecting: false });
    await waitFor(stayClosed('succession', hostJoin.peerId), 'the host’s stay ends');
    // Now host, they moderate.
    await cohost.request('setRoomLock', { locked: true });
  });
});
