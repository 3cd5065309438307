// Media on its own service: two signaling nodes and one SFU node, each its
// own process, with Redis and PostgreSQL, as a deployment runs them. Two
// WebRTC peers on different signaling nodes hear and see each other through
// the SFU node; the signaling node of one dies (SIGKILL) and that peer
// resumes on the other node without its media stopping, since its transports
// run to the SFU node, not through signaling; a peer away for a moment gets
// on its return what opened meanwhile; the SFU node dies and comes back, and
// each peer rebuilds its media once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { waitFor } from '../harness/sfu.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: SFU node tests: ${buildProblem}`);

const ROOM = 'sfu-node';
/** Long enough that nothing here expires by time: what happens is what the test does. */
const deploymentEnv = {
  CLUSTER_HEARTBEAT_MS: '300',
  RECONNECT_GRACE_SECONDS: '30',
  SFU_LEASE_SECONDS: '30',
};
/** 50 audio packets a second: this many is a few seconds of media. */
const FLOWING = 150;

describe.skipIf(buildProblem !== undefined)('two signaling nodes and one SFU node', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  let alice: NodePeer;
  let bob: NodePeer;

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

  /** Where each peer stands, for a failure's message. */
  const state = () =>
    [alice, bob]
      .filter((p) => p !== undefined)
      .map(
        (p) =>
          `${p.peerId}: resumes ${JSON.stringify(p.resumes)}, mediaResets ${p.mediaResets}, rebuilds ${p.rebuilds}, streams ${JSON.stringify(
            [...p.received.values()].map((s) => [s.kind, s.packets, s.closed]),
          )}`,
      )
      .join('\n');
  /** waitFor, with where the peers stand when it gives up. */
  const until = (predicate: () => boolean, message: string, ms: number) =>
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
    await alice?.close();
    await bob?.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  it("peers on different signaling nodes receive each other's audio and video", async () => {
    const urls = deployment.signaling.map((n) => n.url);
    alice = await startNodePeer(urls[0]!, ROOM, 'Alice', { reconnectUrls: urls });
    await alice.startSending();
    bob = await startNodePeer(urls[1]!, ROOM, 'Bob', { reconnectUrls: urls });
    await bob.startSending();
    await until(() => receives(bob, alice, 50), "Bob receives Alice's audio and video", 30_000);
    await until(() => receives(alice, bob, 50), "Alice receives Bob's audio and video", 30_000);
    for (const s of [...open(alice, bob), ...open(bob, alice)]) {
      expect(s.bytes).toBeGreaterThan(s.packets * 10);
    }
  });

  it("a signaling node's death does not interrupt its peer's media", async () => {
    const [, nodeOfBob] = deployment.signaling as [unknown, Deployment['signaling'][number]];
    const before = packetsFrom(bob, alice);
    bob.markGaps();
    await nodeOfBob.kill('SIGKILL');
    await until(() => bob.resumes.length === 1, 'Bob resumes on the other node', 30_000);
    if (bob.resumeErrors.length > 0) console.log(`refused first: ${bob.resumeErrors.join('; ')}`);
    expect(bob.resumes).toEqual(['kept']);
    expect(bob.rebuilds).toBe(0);
    // The window is measured by media that keeps flowing, not by the clock.
    await until(
      () => packetsFrom(bob, alice) >= before + FLOWING,
      'Alice still reaches Bob after his node died',
      30_000,
    );
    const gap = bob.largestGap(alice.peerId);
    console.log(`largest gap in Bob's inbound media across his node's death: ${gap.toFixed(0)} ms`);
    expect(gap).toBeLessThan(1000);
    // And Bob, now served by Alice's node, still reaches her.
    const toAlice = packetsFrom(alice, bob);
    await until(
      () => packetsFrom(alice, bob) >= toAlice + FLOWING,
      'Bob still reaches Alice',
      30_000,
    );
    expect(bob.client.socket.connected).toBe(true);
  });

  it('back after a moment away, a participant gets what opened meanwhile and drops what closed', async () => {
    const [nodeOfAlice] = deployment.signaling as [Deployment['signaling'][number]];
    const oldCamera = alice.producerIds.camera;
    bob.drop();
    // While Bob is away Alice's camera moves to a new producer: the old one's
    // closing and the new one's opening reach nobody for Bob.
    await alice.replaceCamera();
    expect(await bob.comeBack(nodeOfAlice.url)).toBe('kept');
    await until(
      () =>
        open(bob, alice).some((s) => s.producerId === alice.producerIds.camera && s.packets >= 50),
      "Bob receives Alice's new camera after his return",
      30_000,
    );
    expect(
      open(bob, alice)
        .map((s) => s.producerId)
        .sort(),
    ).toEqual([alice.producerIds.mic, alice.producerIds.camera].sort());
    expect(open(bob, alice).some((s) => s.producerId === oldCamera)).toBe(false);
    expect(bob.rebuilds).toBe(0);
  });

  it(
    'the SFU node killed and restarted: one media reset per peer, then media again',
    {
      timeout: 180_000,
    },
    async () => {
      const [sfu] = deployment.sfu as [Deployment['sfu'][number]];
      await sfu.kill('SIGKILL');
      await sfu.restart();
      await until(
        () => alice.mediaResets >= 1 && bob.mediaResets >= 1,
        'both peers are told their media is gone',
        60_000,
      );
      await until(
        () => receives(bob, alice, FLOWING) && receives(alice, bob, FLOWING),
        'media flows again both ways',
        60_000,
      );
      // Flowing for a while after the rebuild, and still exactly one reset each.
      const mark = packetsFrom(bob, alice);
      await until(
        () => packetsFrom(bob, alice) >= mark + FLOWING,
        'media keeps flowing after the rebuild',
        30_000,
      );
      expect([alice.mediaResets, bob.mediaResets]).toEqual([1, 1]);
      expect([alice.rebuilds, bob.rebuilds]).toEqual([1, 1]);
    },
  );
});
