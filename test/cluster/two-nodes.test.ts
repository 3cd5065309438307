// Two signaling processes sharing one Redis and one PostgreSQL behave as one
// server for the control plane: peers on different nodes share a room's
// members, chat, hands, lobby and moderation; a node that dies is noticed,
// its peers show as reconnecting and leave the room for everyone else unless
// they resume — and leaving that way is leaving like any other: a host is
// succeeded and their stay in the meeting's history ends. Each test runs its
// own deployment (nodes, key prefix, database), so none depends on another.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startDeployment, type Deployment, type NodeProcess } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

const opus = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 1234 }],
};

const deployment = { CLUSTER_HEARTBEAT_MS: '300', RECONNECT_GRACE_SECONDS: '2' };

describe('two signaling nodes, one Redis, one PostgreSQL', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let cluster: Deployment | undefined;
  const clients: TestClient[] = [];
  const connect = async (node: NodeProcess) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };
  const twoNodes = async () => {
    // Nodes that share rooms share the SFU node that carries their media.
    cluster = await startDeployment(
      { redis, postgres },
      { signalingNodes: 2, sfuNodes: 1, env: deployment },
    );
    return [cluster.signaling[0]!, cluster.signaling[1]!] as const;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await cluster?.stop();
    cluster = undefined;
  });
  afterAll(async () => {
    await redis?.stop();
    await postgres?.stop();
  });

  it('peers on different nodes share one room: roles, chat, hands, lobby, moderation', async () => {
    const [a, b] = await twoNodes();
    const host = await connect(a);
    const hostJoin = await host.join('cluster', 'Хозяйка');
    expect(hostJoin.role).toBe('host');

    const bob = await connect(b);
    const bobJoin = await bob.join('cluster', 'Bob');
    // Node B knows from Redis that the room already has a host.
    expect(bobJoin.role).toBe('participant');
    expect(bobJoin.peers.map((p) => p.displayName)).toEqual(['Хозяйка']);
    expect((await host.next('peerJoined')).peer.displayName).toBe('Bob');

    await bob.request('sendChat', { text: 'Привет с узла B' });
    expect((await host.next('chatMessage')).message).toMatchObject({
      fromName: 'Bob',
      text: 'Привет с узла B',
    });

    await bob.request('raiseHand', {});
    expect((await host.next('handsChanged')).hands).toEqual([bobJoin.peerId]);

    // Lobby across nodes: Carol waits on B, the host on A admits her.
    await host.request('setLobby', { enabled: true });
    const carol = await connect(b);
    const waiting = await carol.request('join', {
      room: 'cluster',
      displayName: 'Carol',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(waiting.status).toBe('lobby');
    const queue = await host.next('lobbyChanged', (p) => p.lobby.length === 1);
    expect(queue.lobby[0]).toMatchObject({ peerId: waiting.peerId, displayName: 'Carol' });
    await host.request('admit', { peerId: waiting.peerId });
    expect(await carol.next('lobbyDecision')).toEqual({ admitted: true });
    const carolJoin = await carol.join('cluster', 'Carol');
    expect(carolJoin.role).toBe('participant');

    // The host on A mutes Bob, whose media node B set up on the SFU node.
    const send = await bob.request('createTransport', { direction: 'send' });
    const { producerId } = await bob.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opus,
    });
    await host.request('muteParticipant', { peerId: bobJoin.peerId });
    expect(await bob.next('mutedByHost')).toEqual({ source: 'mic', byName: 'Хозяйка' });
    expect(await host.next('producerPaused')).toEqual({ peerId: bobJoin.peerId, producerId });

    // A co-host promoted on A gets moderator notifications on B.
    await host.request('setRole', { peerId: bobJoin.peerId, role: 'cohost' });
    const dave = await connect(a);
    await dave.request('join', {
      room: 'cluster',
      displayName: 'Dave',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(
      (await bob.next('lobbyChanged', (p) => p.lobby.length === 1)).lobby[0]!.displayName,
    ).toBe('Dave');
  });

  it('when a node dies, its peers may resume on the other node; the rest leave after the grace period', async () => {
    const [a, b] = await twoNodes();
    const host = await connect(a);
    await host.join('survivors', 'Хозяйка');
    const bob = await connect(b);
    const bobJoin = await bob.join('survivors', 'Bob');
    await host.request('setRole', { peerId: bobJoin.peerId, role: 'cohost' });
    const carol = await connect(b);
    const carolJoin = await carol.join('survivors', 'Carol');
    await host.request('setLobby', { enabled: true });

    await b.kill('SIGKILL');
    // Bob's client reconnects to node A and reclaims his place: same id, still co-host.
    const bobAgain = await connect(a);
    const resumed = await bobAgain.request('join', {
      room: 'survivors',
      displayName: 'Bob',
      protocolVersion: PROTOCOL_VERSION,
      resumeToken: bobJoin.resumeToken,
    });
    expect(resumed).toMatchObject({
      status: 'joined',
      resumed: true,
      peerId: bobJoin.peerId,
      role: 'cohost',
    });
    // Carol does not come back: the others see her reconnecting, then, after
    // the grace period, she leaves for everyone.
    const dropped = await host.next('peerUpdated', (p) => p.peer.id === carolJoin.peerId);
    expect(dropped.peer).toMatchObject({ displayName: 'Carol', reconnecting: true });
    const left = await host.next('peerLeft');
    expect(left.peerId).toBe(carolJoin.peerId);
    expect(
      host.received.some(
        (r) => r.type === 'peerLeft' && (r.payload as { peerId: string }).peerId === bobJoin.peerId,
      ),
    ).toBe(false);
    // The room lives on with its settings: a newcomer still meets the lobby.
    const eve = await connect(a);
    const joined = await eve.request('join', {
      room: 'survivors',
      displayName: 'Eve',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(joined.status).toBe('lobby');
  });

  it('a host whose node dies is succeeded by the co-host, and their stay in the history ends', async () => {
    const [a, b] = await twoNodes();
    const host = await connect(b);
    const hostJoin = await host.join('succession', 'Хозяйка');
    expect(hostJoin.role).toBe('host');
    const cohost = await connect(a);
    const cohostJoin = await cohost.join('succession', 'Co-host');
    await host.request('setRole', { peerId: cohostJoin.peerId, role: 'cohost' });
    const guest = await connect(a);
    const guestJoin = await guest.join('succession', 'Guest');

    await b.kill('SIGKILL');
    // After the grace period the host is gone for everyone, and the room has
    // a host again: the co-host on the surviving node.
    expect((await guest.next('peerLeft')).peerId).toBe(hostJoin.peerId);
    const promoted = await guest.next(
      'peerUpdated',
      (p) => p.peer.id === cohostJoin.peerId && p.peer.role === 'host',
    );
    expect(promoted.peer.displayName).toBe('Co-host');
    // As host, they now moderate: they can lock the room.
    await cohost.request('setRoomLock', { locked: true });

    // Meeting history: the host's stay is closed, the others' still open.
    const db = new pg.Client({ connectionString: cluster!.cluster.env['DATABASE_URL'] });
    await db.connect();
    try {
      const stays = async () =>
        (
          await db.query<{ peer_id: string; left_at: Date | null }>(
            'SELECT peer_id, left_at FROM meeting_participants',
          )
        ).rows;
      await waitFor(
        async () => (await stays()).some((s) => s.peer_id === hostJoin.peerId && s.left_at),
        "the dead node's host has left in the meeting history",
      );
      const open = (await stays()).filter((s) => s.left_at === null).map((s) => s.peer_id);
      expect(open.sort()).toEqual([cohostJoin.peerId, guestJoin.peerId].sort());
    } finally {
      await db.end();
    }
  });
});
