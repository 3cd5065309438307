// Two signaling processes sharing one Redis behave as one server for the
// control plane: peers on different nodes share a room's members, chat,
// hands, lobby and moderation; a node that dies is noticed, its peers show
// as reconnecting and leave the room for everyone else unless they resume.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startNode, type NodeProcess } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';

const opus = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 1234 }],
};

describe('two signaling nodes, one Redis', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let dataDir: string;
  let a: NodeProcess;
  let b: NodeProcess;
  const clients: TestClient[] = [];
  let bobPeerId = '';
  let carolPeerId = '';
  let bobResume = '';
  const connect = async (node: NodeProcess) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    // Nodes of one deployment share one database and their secrets (invites
    // signed on one are valid on the other); each keeps its own data folder.
    dataDir = await mkdtemp(join(tmpdir(), 'veche-cluster-'));
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      DATABASE_URL: await postgres.createDatabase(),
      INVITE_SECRET: randomBytes(32).toString('base64url'),
      RESUME_SECRET: randomBytes(32).toString('base64url'),
      CLUSTER_HEARTBEAT_MS: '300',
      RECONNECT_GRACE_SECONDS: '2',
    };
    a = await startNode({ ...env, DATA_DIR: join(dataDir, 'a') });
    b = await startNode({ ...env, DATA_DIR: join(dataDir, 'b') });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.kill();
    await b?.kill();
    await redis?.stop();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('peers on different nodes share one room: roles, chat, hands, lobby, moderation', async () => {
    const host = await connect(a);
    const hostJoin = await host.join('cluster', 'Хозяйка');
    expect(hostJoin.role).toBe('host');

    const bob = await connect(b);
    const bobJoin = await bob.join('cluster', 'Bob');
    bobPeerId = bobJoin.peerId;
    bobResume = bobJoin.resumeToken;
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
    carolPeerId = carolJoin.peerId;

    // The host on A mutes Bob, whose media lives in node B's SFU.
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
    const host = clients[0]!;
    await b.kill('SIGKILL');
    // Bob's client reconnects to node A and reclaims his place: same id, still co-host.
    const bob = await connect(a);
    const resumed = await bob.request('join', {
      room: 'cluster',
      displayName: 'Bob',
      protocolVersion: PROTOCOL_VERSION,
      resumeToken: bobResume,
    });
    expect(resumed).toMatchObject({
      status: 'joined',
      resumed: true,
      peerId: bobPeerId,
      role: 'cohost',
    });
    // Carol does not come back: the others see her reconnecting, then, after
    // the grace period, she leaves for everyone.
    const dropped = await host.next('peerUpdated', (p) => p.peer.id === carolPeerId);
    expect(dropped.peer).toMatchObject({ displayName: 'Carol', reconnecting: true });
    const left = await host.next('peerLeft');
    expect(left.peerId).toBe(carolPeerId);
    expect(
      host.received.some(
        (r) => r.type === 'peerLeft' && (r.payload as { peerId: string }).peerId === bobPeerId,
      ),
    ).toBe(false);
    // The room lives on with its settings: a newcomer still meets the lobby.
    const eve = await connect(a);
    const joined = await eve.request('join', {
      room: 'cluster',
      displayName: 'Eve',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(joined.status).toBe('lobby');
  });
});
