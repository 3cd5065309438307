// A rolling restart of signaling nodes: SIGTERM on a node under a meeting.
// Three WebRTC peers in Node share a room, two of them served by node A, one
// by node B, all media through one SFU node. Node A drains: it tells its
// peers to move, they resume on node B keeping their media (B adopts their
// SFU peers), nobody's inbound media stops for a second, the meeting's
// members and chat stay as they were for everyone, and node A exits with
// status 0 by itself once its peers are gone, long before its deadline. A
// client that does not move keeps a node draining — alive, not ready,
// refusing newcomers — until a second SIGTERM, and even then keeps its place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startDeployment, type Deployment, type NodeProcess } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { prepareServerBuild } from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: signaling drain: ${buildProblem}`);

/** Long enough that nothing here ends by time: what happens is what the nodes do. */
const deploymentEnv = {
  CLUSTER_HEARTBEAT_MS: '300',
  RECONNECT_GRACE_SECONDS: '60',
  SFU_LEASE_SECONDS: '60',
  SIGNALING_DRAIN_SECONDS: '600',
  // The drain's own lines are read from the node's log.
  LOG_LEVEL: 'info',
};
/** 50 audio packets a second: this many is a few seconds of media. */
const FLOWING = 150;

interface LogLine {
  msg: string;
  [field: string]: unknown;
}
const logLines = (node: NodeProcess): LogLine[] =>
  node.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

const names = (peers: readonly { displayName: string }[]) => peers.map((p) => p.displayName).sort();

async function readiness(node: NodeProcess) {
  const [ready, health] = await Promise.all([
    fetch(`${node.url}/readyz`),
    fetch(`${node.url}/healthz`),
  ]);
  return { ready: ready.status, health: health.status, body: await health.json() };
}

describe.skipIf(buildProblem !== undefined)('SIGTERM on a signaling node', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  const peers: NodePeer[] = [];
  const clients: TestClient[] = [];

  const open = (receiver: NodePeer, sender: NodePeer) =>
    [...receiver.received.values()].filter((s) => s.peerId === sender.peerId && !s.closed);
  const packetsFrom = (receiver: NodePeer, sender: NodePeer) =>
    open(receiver, sender).reduce((sum, s) => sum + s.packets, 0);
  /** Both kinds from `sender`, each past `packets` on its open stream. */
  const receives = (receiver: NodePeer, sender: NodePeer, packets: number) => {
    const streams = open(receiver, sender);
    return (
      streams.length === 2 &&
      streams.some((s) => s.kind === 'audio') &&
      streams.some((s) => s.kind === 'video') &&
      streams.every((s) => s.packets >= packets)
    );
  };
  const state = () =>
    peers
      .map(
        (p) =>
          `${p.peerId}: resumes ${JSON.stringify(p.resumes)} (refused ${JSON.stringify(p.resumeErrors)}), mediaResets ${p.mediaResets}, rebuilds ${p.rebuilds}, streams ${JSON.stringify(
            [...p.received.values()].map((s) => [s.kind, s.packets, s.closed]),
          )}`,
      )
      .join('\n');
  const until = (predicate: () => boolean | Promise<boolean>, message: string, ms = 30_000) =>
    waitFor(predicate, message, ms).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${state()}`);
    });

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      { signalingNodes: 2, sfuNodes: 1, env: deploymentEnv },
    );
  }, 180_000);
  afterAll(async () => {
    for (const peer of peers) await peer.close();
    for (const client of clients) client.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  it('its peers resume on the other node with their media kept, and it exits by itself', async () => {
    const [a, b] = deployment.signaling as [NodeProcess, NodeProcess];
    const urls = [a.url, b.url];
    const room = 'rolling';
    const anna = await startNodePeer(a.url, room, 'Anna', { reconnectUrls: urls });
    peers.push(anna);
    const boris = await startNodePeer(a.url, room, 'Boris', { reconnectUrls: urls });
    peers.push(boris);
    const vera = await startNodePeer(b.url, room, 'Вера', { reconnectUrls: urls });
    peers.push(vera);
    for (const peer of peers) await peer.startSending();
    for (const receiver of peers) {
      for (const sender of peers) {
        if (sender === receiver) continue;
        await until(
          () => receives(receiver, sender, 50),
          `${receiver.peerId} receives ${sender.peerId}`,
        );
      }
    }
    await anna.client.request('sendChat', { text: 'Перезапуск узла' });
    await vera.client.request('sendChat', { text: 'Не заметно' });
    await until(
      () => boris.client.received.filter((r) => r.type === 'chatMessage').length === 2,
      'the chat reaches Boris',
    );
    const before = new Map(
      peers.map((p) => [
        p,
        packetsFrom(
          p,
          peers.find((q) => q !== p)!,
        ),
      ]),
    );
    for (const peer of peers) peer.markGaps();

    // SIGTERM, once; the node decides by itself when it is done.
    await a.kill('SIGTERM');
    expect(a.child.exitCode).toBe(0);
    const lines = logLines(a);
    expect(lines.find((l) => l.msg.startsWith('draining'))).toMatchObject({
      clients: 2,
      participants: 2,
      deadlineSeconds: 600,
    });
    // Over because its clients had gone, not because the deadline came.
    expect(lines.find((l) => l.msg === 'drain over')).toMatchObject({
      end: 'empty',
      clients: 2,
      remaining: 0,
    });
    expect(lines.find((l) => l.msg === 'exiting')).toMatchObject({ code: 0, movedOn: 2 });

    for (const moved of [anna, boris]) {
      await until(() => moved.resumes.length === 1, `${moved.peerId} resumes`);
      expect(moved.resumes).toEqual(['kept']);
      expect(moved.url).toBe(b.url);
    }
    // The window is measured by media that keeps flowing, not by the clock.
    for (const peer of peers) {
      const from = peers.find((q) => q !== peer)!;
      await until(
        () => packetsFrom(peer, from) >= before.get(peer)! + FLOWING,
        `${peer.peerId} still receives after the drain`,
      );
    }
    const gaps = peers.map((p) => Math.round(p.largestGap()));
    console.log(
      `largest gap in inbound media across the drain (ms): Anna ${gaps[0]}, Boris ${gaps[1]}, Вера ${gaps[2]}`,
    );
    for (const gap of gaps) expect(gap).toBeLessThan(1000);
    for (const peer of peers) {
      expect(peer.rebuilds).toBe(0);
      expect(peer.mediaResets).toBe(0);
      for (const other of peers) {
        if (other !== peer) expect(receives(peer, other, 1)).toBe(true);
      }
    }

    // The meeting as everyone sees it: the same members, roles and chat.
    expect(anna.lastJoin).toMatchObject({ resumed: true, media: 'kept', role: 'host' });
    expect(names(anna.lastJoin.peers)).toEqual(['Boris', 'Вера']);
    expect(names(boris.lastJoin.peers)).toEqual(['Anna', 'Вера']);
    for (const moved of [anna, boris]) {
      expect(moved.lastJoin.chat.map((m) => m.text)).toEqual(['Перезапуск узла', 'Не заметно']);
    }
    expect(vera.client.received.filter((r) => r.type === 'peerLeft')).toEqual([]);
    const newcomer = await connectClient(b.url);
    clients.push(newcomer);
    const seen = await newcomer.join(room, 'Гость');
    expect(names(seen.peers)).toEqual(['Anna', 'Boris', 'Вера']);
    expect(seen.chat.map((m) => m.text)).toEqual(['Перезапуск узла', 'Не заметно']);
  }, 180_000);

  it('waits for a client that does not move: alive, not ready, refusing newcomers, until a second SIGTERM', async () => {
    const b = deployment.signaling[1]!;
    const c = await deployment.cluster.start();
    const room = 'stuck';
    const host = await connectClient(b.url);
    clients.push(host);
    await host.join(room, 'Хозяйка');
    // A client that ignores serverDraining (an old page, a stuck tab).
    const stays = await connectClient(c.url);
    clients.push(stays);
    const stayed = await stays.join(room, 'Stays');
    expect((await readiness(c)).ready).toBe(200);

    const exited = new Promise<number | null>((resolve) => c.child.once('exit', resolve));
    c.child.kill('SIGTERM');
    await stays.next('serverDraining');
    await until(async () => (await readiness(c)).ready === 503, 'the node says it is not ready');
    const { health, body } = await readiness(c);
    expect(health).toBe(200);
    expect(body).toMatchObject({ status: 'ok', draining: true, peers: 1 });
    const refused = await connectClient(c.url).then(
      (late) => {
        late.close();
        return undefined;
      },
      (error: Error & { code?: string }) => error.code,
    );
    expect(refused).toBe('SERVER_DRAINING');
    expect(c.child.exitCode).toBeNull();

    c.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logLines(c).find((l) => l.msg === 'drain over')).toMatchObject({
      end: 'interrupted',
      clients: 1,
      remaining: 1,
    });
    // Cut off, not gone: its place is kept for a resume elsewhere.
    const away = await host.next('peerUpdated', (p) => p.peer.id === stayed.peerId);
    expect(away.peer).toMatchObject({ displayName: 'Stays', reconnecting: true });
    expect(host.received.some((r) => r.type === 'peerLeft')).toBe(false);
  }, 120_000);
});
