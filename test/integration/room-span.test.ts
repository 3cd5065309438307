// The cluster router over two real SFUs (each its own mediasoup worker) with
// the registry and records in a real Redis: a room whose peers are placed on
// both nodes. Media cross through a pipe the router sets up on demand, in
// both directions; the room's events and listing come as one stream from
// both nodes; the home names the active speaker even when the speaker's
// media sit on the other node; the pipes close when the far side's last
// consumer goes.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord, type SfuEvent } from '../../sfu/api/index.js';
import { createHomeRouter, type HomeRouter } from '../../signaling/cluster/homeRouter.js';
import { createRedisPeerNodes } from '../../signaling/cluster/peerNodes.js';
import { createRegistryDirectory } from '../../signaling/cluster/registry.js';
import { createRedisRoomHomes } from '../../signaling/cluster/roomHomes.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { startTestSfu, testLogger, waitFor, type TestSfu, testNodePool } from '../harness/sfu.js';
import { startMediaPeer, type MediaPeer } from './sfu-contract/support/mediaPeer.js';

const OWNER = { owner: 'signal-1', leaseMs: 60_000 };
const MEDIA_MS = 30_000;

function record(nodeId: string, state: NodeRecord['state'] = 'SERVING'): NodeRecord {
  return {
    nodeId,
    incarnation: `${nodeId}-1`,
    internalUrl: `http://127.0.0.1:1/${nodeId}`,
    mediaAddress: '127.0.0.1',
    pipeAddress: '127.0.0.1',
    version: 'test',
    state,
    consumersPerWorker: 100,
    updatedAt: Date.now(),
    workers: [
      {
        index: 0,
        pid: 1,
        routers: 0,
        transports: 0,
        producers: 0,
        consumers: 0,
        bitrateIn: 0,
        bitrateOut: 0,
        cpu: 0,
        draining: false,
      },
    ],
  };
}

describe('a room spanning two SFUs through the cluster router', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  const nodes: Record<string, TestSfu> = {};
  let router: HomeRouter;
  const events: SfuEvent[] = [];
  const peers: MediaPeer[] = [];
  const prefix = () => `${redis.prefix}span:`;

  async function register(...records: NodeRecord[]): Promise<void> {
    const keys = registryKeys(prefix());
    for (const r of records) {
      await client.set(keys.node(r.nodeId), JSON.stringify({ ...r, updatedAt: Date.now() }), {
        PX: 60_000,
      });
      await client.zAdd(keys.index, { score: Date.now(), value: r.nodeId });
    }
  }

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
    nodes['a'] = await startTestSfu(1);
    nodes['b'] = await startTestSfu(1);
    await register(record('a'), record('b'));
    const directory = createRegistryDirectory({
      redis: client,
      prefix: prefix(),
      heartbeatMs: 60_000,
      log: testLogger(),
    });
    router = createHomeRouter({
      directory,
      homes: createRedisRoomHomes(client, prefix()),
      peers: createRedisPeerNodes(client, prefix()),
      clients: testNodePool(nodes),
      log: testLogger(),
    });
    router.onEvent((event) => events.push(event));
  }, 60_000);

  afterAll(async () => {
    for (const peer of peers) peer.close();
    await router?.close();
    for (const node of Object.values(nodes)) await node.close();
    await client?.quit();
    await redis?.stop();
  });

  async function peer(roomId: string, peerId: string): Promise<MediaPeer> {
    await router.call('openRoom', { roomId, ...OWNER });
    await router.call('attachPeer', { roomId, peerId, ...OWNER });
    const made = await startMediaPeer(router, roomId, peerId);
    peers.push(made);
    return made;
  }

  const inspect = async (id: string, roomId: string) =>
    nodes[id]!.sfu.call('inspectRoom', { roomId });

  it('media cross between the nodes both ways, the home names the speaker, and the pipes go with the last far consumer', async () => {
    const roomId = 'span';
    const ann = await peer(roomId, 'ann');
    router.watchRoom(roomId);
    const home = router.homeOf(roomId)!;
    const far = home === 'a' ? 'b' : 'a';
    // The home drains: Ben is placed on the other node.
    await register(record(home, 'DRAINING'), record(far));
    const ben = await peer(roomId, 'ben');
    expect((await router.nodesOfPeers(roomId)).get('ben')).toBe(far);
    expect((await inspect(home, roomId)).peers).toBe(1);
    expect((await inspect(far, roomId)).peers).toBe(1);

    const annSends = await ann.startSending();
    const benSends = await ben.startSending();
    // One listing covers both nodes' producers.
    await waitFor(
      async () => (await router.call('listProducers', { roomId })).producers.length === 4,
      'four producers listed from two nodes',
    );
    const annHearsBen = await ann.consume(benSends.audio);
    const annSeesBen = await ann.consume(benSends.video);
    const benHearsAnn = await ben.consume(annSends.audio);
    await waitFor(
      () => annHearsBen.bytes() > 0 && annSeesBen.bytes() > 0 && benHearsAnn.bytes() > 0,
      'media both ways through the pipe',
      MEDIA_MS,
    );
    expect((await inspect(home, roomId)).pipeTransports).toBe(1);
    expect((await inspect(far, roomId)).pipeTransports).toBe(1);

    // Both speak: only the home's observers report, and they hear Ben (on the
    // far node) through the pipe as well as Ann.
    await waitFor(
      () =>
        events.some(
          (e) =>
            e.type === 'audioLevels' &&
            e.levels.some((l) => l.peerId === 'ben') &&
            e.levels.some((l) => l.peerId === 'ann'),
        ),
      'the home hears both voices',
      MEDIA_MS,
    );
    await waitFor(
      () => events.some((e) => e.type === 'activeSpeaker'),
      'an active speaker named',
      MEDIA_MS,
    );

    // The merged stream is numbered 1, 2, 3 … under the home's epoch.
    const numbered = events.filter((e) => 'seq' in e && e.roomId === roomId) as Array<
      Extract<SfuEvent, { seq: number }>
    >;
    expect(numbered.map((e) => e.seq)).toEqual(numbered.map((_, i) => i + 1));

    // Ben leaves: his part closes, and no pipe is left on either node.
    ben.close();
    peers.splice(peers.indexOf(ben), 1);
    await router.call('closePeer', { roomId, peerId: 'ben' });
    await waitFor(
      async () =>
        !(await inspect(far, roomId)).exists && (await inspect(home, roomId)).pipeTransports === 0,
      'no pipes once the far side is empty',
    );
    await waitFor(
      async () => (await router.call('listProducers', { roomId })).producers.length === 2,
      'Ben’s producers gone from the listing',
    );
    await register(record('a'), record('b'));
    router.unwatchRoom(roomId);
    await router.call('closeRoom', { roomId });
  }, 120_000);
});
