// Draining an SFU node with migration moves a live meeting to the other node:
// `npm run admin -- drain <node> --migrate`, six participants on the drained
// node (three sending), two signaling nodes. Every participant receives
// every stream again from the other node without joining again, keeps their
// peer id, role and raised hand, and the drained node ends with no rooms.
// Real processes on loopback: Redis, PostgreSQL, two SFU nodes in the
// registry, two signaling nodes, Node WebRTC peers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { runAdmin } from '../harness/adminCli.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { sfuNodeClients, adminEnv, nodesRegistered } from '../harness/registryDeployment.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

const MEDIA_MS = 60_000;
const ROOM = 'migrating';

describe('drain with migration', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  const nodes = new Map<string, SfuApi>();
  let admin: Record<string, string>;
  const peers: NodePeer[] = [];
  const observers: TestClient[] = [];
  /** The observers' own peer ids: they join to look, and are left out of what they see. */
  const observerIds = new Set<string>();

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env: { CLUSTER_HEARTBEAT_MS: '300' },
        registry: { heartbeatMs: 300 },
      },
    );
    for (const [id, client] of sfuNodeClients(deployment)) nodes.set(id, client);
    admin = await adminEnv(deployment);
    await nodesRegistered(admin, 2);
  }, 300_000);

  afterAll(async () => {
    for (const peer of peers) await peer.close().catch(() => undefined);
    for (const observer of observers) observer.close();
    for (const node of nodes.values()) await node.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  /** Packets `to` got from `from` on its open consumers. */
  const packetsFrom = (to: NodePeer, from: NodePeer, kind: 'audio' | 'video') =>
    [...to.received.values()]
      .filter((s) => s.peerId === from.peerId && s.kind === kind && !s.closed)
      .reduce((n, s) => n + s.packets, 0);
  const everyoneReceives = (senders: NodePeer[], atLeast: number) =>
    peers.every((to) =>
      senders.every(
        (from) =>
          from === to ||
          (packetsFrom(to, from, 'audio') >= atLeast && packetsFrom(to, from, 'video') >= atLeast),
      ),
    );

  /** What a newcomer is told of the room: who is in it, in which role, whose hand is up. */
  async function look(name: string) {
    const observer = await connectClient(deployment.signaling[1]!.url);
    observers.push(observer);
    const joined = await observer.join(ROOM, name);
    observerIds.add(joined.peerId);
    return {
      peers: joined.peers
        .filter((p) => !observerIds.has(p.id))
        .map((p) => `${p.id}:${p.role}`)
        .sort(),
      hands: joined.hands,
    };
  }

  const roomsOn = async (nodeId: string) =>
    (await nodes.get(nodeId)!.call('getLoad', {})).workers.reduce((n, w) => n + w.rooms, 0);

  it('moves a live meeting to the other node: media again everywhere, nothing else changes', async () => {
    const senders: NodePeer[] = [];
    for (let i = 0; i < 6; i += 1) {
      const peer = await startNodePeer(deployment.signaling[i % 2]!.url, ROOM, `Участник ${i + 1}`);
      peers.push(peer);
      if (i < 3) {
        await peer.startSending();
        senders.push(peer);
      }
    }
    await waitFor(() => everyoneReceives(senders, 20), 'everyone receives', MEDIA_MS);
    await peers[4]!.client.request('raiseHand', {});
    const homes: string[] = [];
    for (const id of nodes.keys()) if ((await roomsOn(id)) > 0) homes.push(id);
    expect(homes).toHaveLength(1);
    const from = homes[0]!;
    const to = [...nodes.keys()].find((id) => id !== from)!;
    const before = await look('Наблюдатель 1');
    expect(before.hands).toEqual([peers[4]!.peerId]);
    expect(before.peers).toHaveLength(6);

    const drained = await runAdmin(['drain', from, '--migrate'], admin);
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout.split('\n')[0]).toBe(`${from}: DRAINING`);

    // Every participant rebuilds its media once, without joining again, and
    // then receives every stream from the other node.
    await waitFor(
      () => peers.every((p) => p.mediaResets > 0 && p.rebuilds > 0),
      'every participant rebuilt its media',
      MEDIA_MS,
    );
    for (const peer of peers) peer.markGaps();
    const counted = new Map(peers.map((p) => [p, senders.map((s) => packetsFrom(p, s, 'video'))]));
    await waitFor(
      () =>
        peers.every((p) =>
          senders.every((s, i) => s === p || packetsFrom(p, s, 'video') > counted.get(p)![i]! + 20),
        ) && everyoneReceives(senders, 20),
      'everyone receives every stream again',
      MEDIA_MS,
    );
    await waitFor(async () => (await roomsOn(from)) === 0, 'the drained node carries no room');
    expect((await nodes.get(to)!.call('inspectRoom', { roomId: ROOM })).peers).toBe(
      peers.length + observers.length,
    );
    for (const peer of peers) expect(peer.resumes).toEqual([]);

    // The same people, roles and raised hand.
    const after = await look('Наблюдатель 2');
    expect(after.peers).toEqual(before.peers);
    expect(after.hands).toEqual(before.hands);

    // Its record says DRAINING until an admin undrains it.
    expect((await runAdmin(['undrain', from], admin)).code).toBe(0);
  }, 300_000);
});
