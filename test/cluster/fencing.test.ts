// An SFU node paused past the heartbeat bound (SIGSTOP; its connections stay
// up) is counted gone: its meeting moves to the other node and newcomers go
// there. When it resumes (SIGCONT) it fences itself: it registers as a new
// incarnation with nothing on it — the stale room, its peers and transports
// are gone — and nobody is sent back to it. Real processes on loopback:
// Redis, PostgreSQL, two SFU nodes in the registry, two signaling nodes,
// Node WebRTC peers.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError, type SfuApi } from '../../sfu/api/index.js';
import { registryKeys, type NodeRecord } from '../../sfu/api/registry.js';
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { runAdmin } from '../harness/adminCli.js';
import { adminToken, startDeployment, type Deployment } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger, waitFor } from '../harness/sfu.js';

const HEARTBEAT_MS = 300;
/** Well past the three beats after which a node counts as gone. */
const PAUSE_MS = 3_000;
/** Every wait for media over loopback on two shared cores: generous. */
const MEDIA_MS = 60_000;
const ROOM = 'fenced';

describe('a paused SFU node that comes back', () => {
  let redis: TestRedis;
  let records: RedisClientType;
  let postgres: PostgresServer;
  let deployment: Deployment;
  /** The test's own connections to each SFU node's internal endpoint. */
  const nodes = new Map<string, RemoteSfu>();
  let admin: Record<string, string>;
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    records = await redis.client();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 2,
        env: { CLUSTER_HEARTBEAT_MS: '300' },
        registry: { heartbeatMs: HEARTBEAT_MS },
      },
    );
    deployment.sfu.forEach((node, i) =>
      nodes.set(
        `sfu-${i + 1}`,
        createRemoteSfu({ url: node.url, secret: deployment.sfuSecret, log: testLogger() }),
      ),
    );
    admin = {
      VECHE_URL: deployment.signaling[0]!.url,
      VECHE_TOKEN: await adminToken(deployment.cluster),
    };
    await waitFor(
      async () => (await record('sfu-1')) !== undefined && (await record('sfu-2')) !== undefined,
      'both SFU nodes registered',
      30_000,
    );
  }, 300_000);

  afterAll(async () => {
    for (const peer of peers) await peer.close().catch(() => undefined);
    for (const node of nodes.values()) await node.close();
    await deployment?.stop(); // resumes a node still paused before killing it
    await redis?.stop();
    await postgres?.stop();
  });

  /** The node's registry record as stored now (none once it expired). */
  async function record(nodeId: string): Promise<NodeRecord | undefined> {
    const prefix = deployment.cluster.env['REDIS_PREFIX'] as string;
    const value = await records.get(registryKeys(prefix).node(nodeId));
    return value === null ? undefined : (JSON.parse(value) as NodeRecord);
  }

  async function join(name: string, signaling: number): Promise<NodePeer> {
    const peer = await startNodePeer(deployment.signaling[signaling]!.url, ROOM, name);
    peers.push(peer);
    await peer.startSending();
    return peer;
  }

  /** Packets `to` got from `from`'s video on its open consumers. */
  const videoFrom = (to: NodePeer, from: NodePeer) =>
    [...to.received.values()]
      .filter((s) => s.peerId === from.peerId && s.kind === 'video' && !s.closed)
      .reduce((n, s) => n + s.packets, 0);
  /** Everyone receives everyone's video: `more` packets beyond what `since` counted. */
  const everyoneReceives = (since: Map<string, number>, more = 20) =>
    peers.every((to) =>
      peers.every(
        (from) =>
          from === to ||
          videoFrom(to, from) >= (since.get(`${to.peerId}>${from.peerId}`) ?? 0) + more,
      ),
    );
  const counts = () => {
    const out = new Map<string, number>();
    for (const to of peers) {
      for (const from of peers) out.set(`${to.peerId}>${from.peerId}`, videoFrom(to, from));
    }
    return out;
  };

  const roomsOn = async (node: SfuApi) =>
    (await node.call('getLoad', {})).workers.reduce(
      (n, w) => ({ rooms: n.rooms + w.rooms, transports: n.transports + w.transports }),
      { rooms: 0, transports: 0 },
    );

  /** Which node signaling says each participant's media are on. */
  async function placedOn(): Promise<string[]> {
    const run = await runAdmin(['rooms', '--json'], admin);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as {
      rooms: Array<{ name: string; participants: Array<{ node: string | null }> }>;
    };
    const room = listed.rooms.find((r) => r.name === ROOM);
    return (room?.participants ?? []).map((p) => p.node ?? 'none');
  }

  it('is counted gone while paused, then fences itself: a new, empty incarnation nobody is sent to', async () => {
    await join('Алиса', 0);
    await join('Борис', 1);
    await waitFor(() => everyoneReceives(new Map()), 'both receive each other', MEDIA_MS);

    const homes: string[] = [];
    for (const [id, node] of nodes) {
      if ((await node.call('inspectRoom', { roomId: ROOM })).exists) homes.push(id);
    }
    expect(homes).toHaveLength(1);
    const paused = homes[0]!;
    const other = [...nodes.keys()].find((id) => id !== paused)!;
    const pausedProcess = deployment.sfu[Number(paused.slice('sfu-'.length)) - 1]!;
    const before = (await record(paused))!.incarnation;
    const stale = await nodes.get(paused)!.call('inspectRoom', { roomId: ROOM });
    expect(stale).toMatchObject({ exists: true, peers: 2 });

    // Paused: its TCP connections stay up, it just stops answering and beating.
    const pausedAt = performance.now();
    pausedProcess.child.kill('SIGSTOP');
    // A call sent meanwhile waits in the node's socket: when it resumes, the
    // node must not answer it from the stale room.
    const asked = nodes
      .get(paused)!
      .call('inspectRoom', { roomId: ROOM }, { requestId: 'sent-while-paused', deadlineMs: 60_000 })
      .then(
        (seen) => (seen.exists ? `the stale room, ${seen.peers} peers` : 'no room'),
        (error: unknown) => (error instanceof SfuError ? error.code : String(error)),
      );
    await waitFor(async () => (await record(paused)) === undefined, 'its record expired', 30_000);

    // Signaling moves the meeting to the other node: both rebuild their media there.
    await waitFor(
      () => peers.every((p) => p.mediaResets > 0 && p.rebuilds > 0),
      'both participants rebuilt their media',
      MEDIA_MS,
    );
    const moved = counts();
    await waitFor(() => everyoneReceives(moved), 'both receive each other again', MEDIA_MS);
    // A newcomer goes to the live node.
    await join('Вера', 0);
    const withVera = counts();
    await waitFor(() => everyoneReceives(withVera), 'all three receive each other', MEDIA_MS);
    expect(await placedOn()).toEqual([other, other, other]);
    expect(await nodes.get(other)!.call('inspectRoom', { roomId: ROOM })).toMatchObject({
      exists: true,
      peers: 3,
    });

    // Away well past the bound, whatever the media took.
    const waited = performance.now() - pausedAt;
    if (waited < PAUSE_MS) await new Promise((r) => setTimeout(r, PAUSE_MS - waited));
    const resets = peers.map((p) => p.mediaResets);
    pausedProcess.child.kill('SIGCONT');

    // It comes back as a new incarnation, and signaling lists it so.
    await waitFor(
      async () => {
        const now = await record(paused);
        return now !== undefined && now.incarnation !== before;
      },
      'the node registered as a new incarnation',
      30_000,
    );
    const after = (await record(paused))!.incarnation;
    // Refused as a call of the old incarnation, or dropped with its connection.
    expect(['SFU_UNAVAILABLE', 'no room']).toContain(await asked);
    await waitFor(
      async () => {
        const listed = await runAdmin(['nodes', '--json'], admin);
        const all = (
          JSON.parse(listed.stdout) as { nodes: Array<{ id: string; incarnation: string }> }
        ).nodes;
        return all.find((n) => n.id === paused)?.incarnation === after;
      },
      'signaling sees the new incarnation',
      30_000,
    );

    // The stale room, its peers and transports are gone; the node carries nothing.
    const back = nodes.get(paused)!;
    await waitFor(
      () => back.connected && back.node()?.incarnation === after,
      'the test’s connection greeted by the new incarnation',
      30_000,
    );
    expect(await back.call('inspectRoom', { roomId: ROOM })).toMatchObject({ exists: false });
    expect(await roomsOn(back)).toEqual({ rooms: 0, transports: 0 });
    const log = await pausedProcess.log();
    expect(log).toMatch(
      new RegExp(
        `fenced: away for \\d+ ms \\(bound ${3 * HEARTBEAT_MS} ms\\), rooms dropped 1, new incarnation ${after}`,
      ),
    );

    // Nobody is sent to it: the participants stay where they are, undisturbed,
    // and a newcomer joins them there.
    await join('Галина', 1);
    const withGalina = counts();
    await waitFor(() => everyoneReceives(withGalina), 'all four receive each other', MEDIA_MS);
    expect(await placedOn()).toEqual([other, other, other, other]);
    expect(await roomsOn(back)).toEqual({ rooms: 0, transports: 0 });
    expect(peers.slice(0, 3).map((p) => p.mediaResets)).toEqual(resets);
  }, 300_000);
});
