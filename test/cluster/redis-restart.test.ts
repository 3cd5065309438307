// Redis restarted mid-meeting, empty (it keeps nothing on disk): the SFU
// nodes register again at their next beat, the signaling nodes write their
// rooms again, and the meeting goes on — its media keep flowing on the
// streams they flowed on, nobody is sent away or told to rebuild, and a
// newcomer joins the meeting (not as its host) and receives its media. Real
// processes on loopback: Redis, PostgreSQL, two SFU nodes, two signaling
// nodes, Node WebRTC peers.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { createRemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger, waitFor } from '../harness/sfu.js';

/** Beats with room for Redis's restart and the reconnections within a record's lifetime (three beats). */
const HEARTBEAT_MS = 500;
/** Every wait here is for media over loopback on two shared cores: generous. */
const MEDIA_MS = 60_000;
const ROOM = 'redis-restart';

describe('a Redis restart mid-meeting (processes)', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  /** The test's own view of each SFU node (their internal endpoints). */
  const nodes: SfuApi[] = [];
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    redis = await startTestRedis({ restartable: true });
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env: {
          CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS),
          // Leases renewed every second: each renewal writes the room's SFU home again.
          SFU_LEASE_SECONDS: '3',
          RECONNECT_GRACE_SECONDS: '3',
        },
        registry: { heartbeatMs: HEARTBEAT_MS },
      },
    );
    for (const node of deployment.sfu) {
      nodes.push(
        createRemoteSfu({ url: node.url, secret: deployment.sfuSecret, log: testLogger() }),
      );
    }
    await waitFor(async () => (await registered()) === 2, 'both SFU nodes registered', 30_000);
  }, 300_000);

  afterAll(async () => {
    for (const peer of peers.splice(0)) await peer.close().catch(() => undefined);
    for (const node of nodes) await node.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  /** A client of the test's own, made once (it reconnects after a restart like any other). */
  let probeClient: RedisClientType | undefined;
  const probe = async () => (probeClient ??= await redis.client());
  const key = (name: string) => `${deployment.cluster.env['REDIS_PREFIX'] as string}${name}`;

  /** SFU nodes with a record in the registry now. */
  async function registered(): Promise<number> {
    return (await (await probe()).zRange(key('sfu:nodes'), 0, -1)).length;
  }

  async function join(name: string, signaling: number): Promise<NodePeer> {
    const peer = await startNodePeer(deployment.signaling[signaling]!.url, ROOM, name);
    peers.push(peer);
    return peer;
  }

  /** The streams `to` receives from `from` (open ones), by consumer id. */
  const streamsFrom = (to: NodePeer, from: NodePeer) =>
    new Map([...to.received].filter(([, s]) => s.peerId === from.peerId && !s.closed));
  const bytesFrom = (to: NodePeer, from: NodePeer) =>
    [...streamsFrom(to, from).values()].reduce((n, s) => n + s.bytes, 0);
  const hears = (to: NodePeer, from: NodePeer, atLeast = 20) => {
    const got = { audio: 0, video: 0 };
    for (const s of streamsFrom(to, from).values()) got[s.kind] += s.packets;
    return got.audio >= atLeast && got.video >= atLeast;
  };

  it('media keep flowing, everyone stays, and a newcomer joins and receives the meeting', async () => {
    const alice = await join('Alice', 0);
    expect(alice.lastJoin.role).toBe('host');
    await alice.startSending();
    const bob = await join('Bob', 1);
    await bob.startSending();
    await waitFor(() => hears(alice, bob) && hears(bob, alice), 'media both ways', MEDIA_MS);
    const streamsBefore = [streamsFrom(alice, bob), streamsFrom(bob, alice)].map((s) => [
      ...s.keys(),
    ]);
    const before = { alice: bytesFrom(alice, bob), bob: bytesFrom(bob, alice) };

    await redis.restart();
    // The deployment writes itself back into the empty Redis: the SFU nodes
    // register at their next beat, the signaling nodes write the room's state
    // and, with their lease renewals, its SFU home.
    await waitFor(async () => (await registered()) === 2, 'SFU nodes register again', 30_000);
    const written = async (name: string) => (await (await probe()).exists(key(name))) === 1;
    await waitFor(() => written(`room:${ROOM}`), 'the room’s state is written again', 30_000);
    await waitFor(
      () => written(`home:${ROOM}`),
      'the room’s SFU home is written again by a lease renewal',
      30_000,
    );

    // The same streams carry on, both ways, well past the restart.
    await waitFor(
      () =>
        bytesFrom(alice, bob) > before.alice + 50_000 &&
        bytesFrom(bob, alice) > before.bob + 50_000,
      'media keep flowing after the restart',
      MEDIA_MS,
    );
    expect([streamsFrom(alice, bob), streamsFrom(bob, alice)].map((s) => [...s.keys()])).toEqual(
      streamsBefore,
    );

    // A newcomer finds the meeting as it was: its host, its participants.
    const carol = await join('Carol', 1);
    expect(carol.lastJoin.role).toBe('participant');
    const roles = new Map(carol.lastJoin.peers.map((p) => [p.id, p.role]));
    expect(roles.get(alice.peerId)).toBe('host');
    expect(roles.get(bob.peerId)).toBe('participant');
    await carol.startSending();
    await waitFor(
      () => hears(carol, alice) && hears(carol, bob) && hears(alice, carol) && hears(bob, carol),
      'the newcomer and the others receive each other',
      MEDIA_MS,
    );

    // Nobody was sent away or told to rebuild their media.
    for (const peer of [alice, bob]) {
      expect(peer.client.socket.connected).toBe(true);
      expect(peer.resumes).toEqual([]);
      expect(peer.mediaResets).toBe(0);
      expect(peer.rebuilds).toBe(0);
    }
  }, 240_000);
});
