// Redis keeps nothing on disk: restarted mid-meeting, it comes back empty.
// Each signaling node reconnects (state and bus), and the meeting goes on:
// the nodes write each room's state again from the members they serve
// (roles, raised hands, dropped places kept for a resume), chat still crosses
// nodes, and a newcomer joins the meeting as it was — not as the host of an
// empty room, which is what the first to arrive in an embedded room becomes.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import type { RoomControl } from '../../signaling/rooms/control.js';
import { connectClient, type JoinedReply, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const ROOM = 'restart-room';

describe('a Redis restart mid-meeting (two signaling nodes)', () => {
  let redis: TestRedis;
  let sfu: TestSfu;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  const connect = async (server: TestServer) => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await startTestRedis({ restartable: true });
    sfu = await startTestSfu();
    const node = () =>
      startTestServer({
        sfu,
        redis: { url: redis.url, prefix: redis.prefix, heartbeatMs: 200 },
      });
    a = await node();
    b = await node();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await sfu?.close();
    await redis?.stop();
  });

  /** A client of the test's own, made once (it reconnects after a restart like any other). */
  let probeClient: RedisClientType | undefined;
  const probe = async () => (probeClient ??= await redis.client());

  /** Both nodes subscribe to the socket.io adapter's request channel: they are back on the bus. */
  const bothOnTheBus = async () => {
    const channel = `${redis.prefix}io-request#/#`;
    await waitFor(async () => {
      const counts = await (await probe()).pubSubNumSub(channel);
      return counts[channel] === 2;
    }, 'both signaling nodes resubscribe to the adapter’s channels');
  };

  it('each node reconnects to the restarted Redis: shared state and the bus both work', async () => {
    await redis.restart();
    await bothOnTheBus();
    // Shared state: a room opened on one node is the same room on the other.
    const first = await connect(a);
    const opened = await first.join('after-restart', 'First');
    expect(opened.role).toBe('host');
    const second = await connect(b);
    const joined = await second.join('after-restart', 'Second');
    expect(joined.role).toBe('participant');
    expect(joined.peers.map((p) => p.id)).toContain(opened.peerId);
    // The bus: a notification from one node reaches a member of the other.
    await second.request('sendChat', { text: 'across' });
    await first.next('chatMessage', (p) => p.message.text === 'across');
  });

  /** The room's members as stored in Redis now (none while its state is missing). */
  const storedMembers = async (room: string) => {
    const raw = await (await probe()).hGet(`${redis.prefix}room:${room}`, 's');
    return raw ? Object.keys((JSON.parse(raw) as RoomControl).members).sort() : [];
  };

  it('the meeting goes on: roles, hands, dropped places and chat across nodes; a newcomer joins it', async () => {
    const host = await connect(a);
    const hostJoin = await host.join(ROOM, 'Host');
    expect(hostJoin.role).toBe('host');
    const raiser = await connect(b);
    const raiserJoin = await raiser.join(ROOM, 'Raiser');
    const other = await connect(a);
    const otherJoin = await other.join(ROOM, 'Other');
    const dropper = await connect(b);
    const dropperJoin = await dropper.join(ROOM, 'Dropper');
    await raiser.request('raiseHand', {});
    await host.next('handsChanged', (p) => p.hands.includes(raiserJoin.peerId));
    // A network drop: the place is kept for a resume, on either node.
    dropper.socket.io.engine.close();
    await host.next('peerUpdated', (p) => p.peer.id === dropperJoin.peerId && p.peer.reconnecting);

    await redis.restart();
    await bothOnTheBus();
    // The nodes write the room again by themselves, before anybody asks.
    const everyone = [hostJoin, raiserJoin, otherJoin, dropperJoin].map((j) => j.peerId).sort();
    await waitFor(
      async () => JSON.stringify(await storedMembers(ROOM)) === JSON.stringify(everyone),
      'both nodes write their members of the room again',
    );

    // Chat crosses nodes both ways, sent by members of each node.
    await raiser.request('sendChat', { text: 'still here?' });
    await host.next('chatMessage', (p) => p.message.text === 'still here?');
    await host.request('sendChat', { text: 'yes' });
    await raiser.next('chatMessage', (p) => p.message.text === 'yes');

    // A newcomer on either node finds the meeting as it was, and is no host.
    const expectMeetingAsItWas = (joined: JoinedReply) => {
      expect(joined.role).toBe('participant');
      expect(joined.hands).toEqual([raiserJoin.peerId]);
      const peers = new Map(joined.peers.map((p) => [p.id, p]));
      expect(peers.get(hostJoin.peerId)).toMatchObject({ role: 'host', reconnecting: false });
      expect(peers.get(raiserJoin.peerId)).toMatchObject({ role: 'participant' });
      expect(peers.get(otherJoin.peerId)).toMatchObject({ role: 'participant' });
      expect(peers.get(dropperJoin.peerId)).toMatchObject({ reconnecting: true });
    };
    const newcomerB = await (await connect(b)).join(ROOM, 'Newcomer B');
    expectMeetingAsItWas(newcomerB);
    await host.next('peerJoined', (p) => p.peer.id === newcomerB.peerId);
    expectMeetingAsItWas(await (await connect(a)).join(ROOM, 'Newcomer A'));

    // The dropped participant takes its place back (test servers sign resume tokens each their own).
    const back = await connect(b);
    expect(
      await back.request('join', {
        room: ROOM,
        displayName: 'ignored',
        protocolVersion: PROTOCOL_VERSION,
        resumeToken: dropperJoin.resumeToken,
      }),
    ).toMatchObject({ status: 'joined', resumed: true, peerId: dropperJoin.peerId });

    // The host still acts as host, on a member of the other node.
    await host.request('lowerHand', { peerId: raiserJoin.peerId });
    await raiser.next('handsChanged', (p) => p.hands.length === 0);
  });

  it('Redis emptied without a restart (FLUSHALL): the rooms are written again within a beat', async () => {
    const host = await connect(b);
    const hostJoin = await host.join('flushed', 'Host');
    const guest = await connect(a);
    const guestJoin = await guest.join('flushed', 'Guest');
    await (await probe()).flushAll();
    const both = [hostJoin.peerId, guestJoin.peerId].sort();
    await waitFor(
      async () => JSON.stringify(await storedMembers('flushed')) === JSON.stringify(both),
      'both nodes write their members again at their next beat',
    );
    const late = await (await connect(a)).join('flushed', 'Late');
    expect(late.role).toBe('participant');
  });
});
