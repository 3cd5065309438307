// One room across two SFU node processes: two signaling nodes find the SFU
// nodes in the registry; a room's home takes its first peers, and once the
// home drains, newcomers' media go to the other node. Peers on different
// nodes see and hear each other through a pipe set up on demand, and the
// pipe goes when the last consumer on the far side leaves. A big room of
// many peers on both nodes and their workers gets every published stream to
// every receiver. Real processes on loopback: Redis, PostgreSQL, two SFU
// nodes, two signaling nodes, Node WebRTC peers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { runAdmin } from '../harness/adminCli.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import {
  sfuNodeClients,
  adminEnv,
  nodesRegistered,
  nodeInState,
} from '../harness/registryDeployment.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';

const HEARTBEAT_MS = 300;
/** Every wait here is for media over loopback on two shared cores: generous. */
const MEDIA_MS = 60_000;

describe('a room spanning two SFU nodes', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  /** The test's own view of each SFU node (the nodes' internal endpoint). */
  const nodes = new Map<string, SfuApi>();
  let admin: Record<string, string>;
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env: { CLUSTER_HEARTBEAT_MS: '300' },
        registry: {
          heartbeatMs: HEARTBEAT_MS,
          // Two workers a node, each sized small, so a big room spreads over both.
          sfuEnv: { SFU_WORKERS: '2', SFU_CONSUMERS_PER_WORKER: '30' },
        },
      },
    );
    for (const [id, client] of sfuNodeClients(deployment)) nodes.set(id, client);
    admin = await adminEnv(deployment);
    await nodesRegistered(admin, 2);
  }, 300_000);

  afterAll(async () => {
    for (const peer of peers.splice(0)) await peer.close().catch(() => undefined);
    for (const node of nodes.values()) await node.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  async function join(room: string, name: string, signaling: number): Promise<NodePeer> {
    const peer = await startNodePeer(deployment.signaling[signaling]!.url, room, name);
    peers.push(peer);
    return peer;
  }

  async function leave(peer: NodePeer): Promise<void> {
    peers.splice(peers.indexOf(peer), 1);
    await peer.close();
  }

  /** Which node has the room open, with how many peers and pipes on each. */
  async function spread(room: string) {
    const out: Record<string, { peers: number; pipes: number; routers: number }> = {};
    for (const [id, sfu] of nodes) {
      const seen = await sfu.call('inspectRoom', { roomId: room });
      if (seen.exists) {
        out[id] = {
          peers: seen.peers,
          pipes: seen.pipeTransports ?? 0,
          routers: seen.routers ?? 1,
        };
      }
    }
    return out;
  }

  async function setState(nodeId: string, drain: boolean): Promise<void> {
    const run = await runAdmin([drain ? 'drain' : 'undrain', nodeId], admin);
    expect(run.code, run.stderr).toBe(0);
    // Placement reads the registry: wait until the node's record says so.
    await nodeInState(admin, nodeId, drain ? 'DRAINING' : 'SERVING');
  }

  /** Packets `to` got from `from`'s audio and video. */
  const packetsFrom = (to: NodePeer, from: NodePeer) => {
    const got = { audio: 0, video: 0 };
    for (const s of to.received.values()) {
      if (s.peerId === from.peerId && !s.closed) got[s.kind] += s.packets;
    }
    return got;
  };
  const hears = (to: NodePeer, from: NodePeer, atLeast = 20) => {
    const got = packetsFrom(to, from);
    return got.audio >= atLeast && got.video >= atLeast;
  };

  it('peers on different nodes see and hear each other through a pipe that goes with the last consumer', async () => {
    const room = 'span-pair';
    const alice = await join(room, 'Alice', 0);
    await alice.startSending();
    const first = await spread(room);
    expect(Object.keys(first)).toHaveLength(1);
    const home = Object.keys(first)[0]!;
    const other = [...nodes.keys()].find((id) => id !== home)!;

    // The home drains: it keeps its meeting, newcomers go to the other node.
    await setState(home, true);
    const bob = await join(room, 'Bob', 1);
    await bob.startSending();
    await waitFor(
      async () => (await spread(room))[other]?.peers === 1,
      'Bob’s media on the other node',
    );
    expect((await spread(room))[home]?.peers).toBe(1);

    await waitFor(() => hears(bob, alice) && hears(alice, bob), 'media both ways', MEDIA_MS);
    const both = await spread(room);
    expect(both[home]!.pipes).toBeGreaterThanOrEqual(1);
    expect(both[other]!.pipes).toBeGreaterThanOrEqual(1);
    // Media keep flowing (counted again a moment later).
    const before = packetsFrom(alice, bob);
    await waitFor(() => packetsFrom(alice, bob).video > before.video + 20, 'still flowing');

    // Bob leaves: the far part closes and no pipe is left on either node.
    await leave(bob);
    await waitFor(
      async () => {
        const after = await spread(room);
        return after[other] === undefined && (after[home]?.pipes ?? 0) === 0;
      },
      'no pipes left once the far side’s last consumer left',
      30_000,
    );
    expect((await spread(room))[home]?.peers).toBe(1);

    // A newcomer on the other node is served through a new pipe.
    const carol = await join(room, 'Carol', 0);
    await waitFor(() => hears(carol, alice), 'Carol receives Alice', MEDIA_MS);
    expect((await spread(room))[other]?.peers).toBe(1);
    await leave(carol);
    await leave(alice);
    await setState(home, false);
  }, 240_000);

  it('two signaling nodes opening one room at once give it one home', async () => {
    const room = 'span-race';
    const [a, b] = await Promise.all([join(room, 'Ann', 0), join(room, 'Ben', 1)]);
    const where = await spread(room);
    expect(Object.keys(where)).toHaveLength(1);
    expect(Object.values(where)[0]!.peers).toBe(2);
    await leave(a);
    await leave(b);
  }, 120_000);

  it('a room of 12 peers, 4 publishing, over both nodes and their workers: every receiver gets every stream', async () => {
    const room = 'span-big';
    const group: NodePeer[] = [];
    const publishers: NodePeer[] = [];
    // Each newcomer is placed once the room's load is settled: it receives
    // every stream published so far before the next one joins.
    const add = async (name: string, signaling: number, publishes: boolean) => {
      const peer = await join(room, name, signaling);
      group.push(peer);
      if (publishes) {
        await peer.startSending();
        publishers.push(peer);
      }
      await waitFor(
        () => group.every((to) => publishers.every((from) => from === to || hears(to, from, 5))),
        `${name} and everyone else receive every stream so far`,
        MEDIA_MS,
      );
    };
    for (let i = 0; i < 6; i += 1) await add(`Первый ${i + 1}`, i % 2, i < 2);
    const home = Object.keys(await spread(room))[0]!;
    await setState(home, true);
    for (let i = 0; i < 6; i += 1) await add(`Второй ${i + 1}`, i % 2, i < 2);
    const where = await spread(room);
    expect(Object.keys(where).sort()).toEqual([...nodes.keys()].sort());
    expect(Object.values(where).reduce((n, w) => n + w.peers, 0)).toBe(12);
    // A worker is sized for 30 consumers here: the far node's part of the
    // room outgrew one worker and spread onto its second.
    expect(Math.max(...Object.values(where).map((w) => w.routers))).toBe(2);
    for (const peer of group) await leave(peer);
    await setState(home, false);
    await waitFor(async () => Object.keys(await spread(room)).length === 0, 'the room closed');
  }, 300_000);

  // Last: it kills one of the deployment's SFU nodes.
  it('the node carrying part of a room dies: its participants’ media come back on the other, the rest go on', async () => {
    const room = 'span-loss';
    const dora = await join(room, 'Dora', 0);
    await dora.startSending();
    const home = Object.keys(await spread(room))[0]!;
    const far = [...nodes.keys()].find((id) => id !== home)!;
    await setState(home, true);
    const egor = await join(room, 'Egor', 1);
    await egor.startSending();
    await waitFor(() => hears(dora, egor) && hears(egor, dora), 'media both ways', MEDIA_MS);
    await setState(home, false);

    const farProcess = deployment.sfu[[...nodes.keys()].indexOf(far)]!;
    await farProcess.kill('SIGKILL');
    // Egor's media are rebuilt on the home, without a new join.
    await waitFor(() => egor.mediaResets > 0, 'Egor told to rebuild his media', MEDIA_MS);
    await waitFor(
      async () => (await nodes.get(home)!.call('inspectRoom', { roomId: room })).peers === 2,
      'Egor’s media on the surviving node',
      MEDIA_MS,
    );
    const before = { dora: packetsFrom(egor, dora), egor: packetsFrom(dora, egor) };
    await waitFor(
      () =>
        packetsFrom(egor, dora).video > before.dora.video + 20 &&
        packetsFrom(dora, egor).video > before.egor.video + 20,
      'media both ways again',
      MEDIA_MS,
    );
    // Dora, on the surviving home, was never asked to rebuild.
    expect(dora.mediaResets).toBe(0);
    await leave(egor);
    await leave(dora);
  }, 240_000);
});
