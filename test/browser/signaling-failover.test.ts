// A signaling node dies under a meeting and nobody's picture stops: two
// people in Chromium, each on a different signaling node behind one address
// (a TCP balancer), their media on one SFU node. The node of one is killed
// with SIGKILL; their browser reconnects through the same address to the
// other node, resumes its place and keeps its media — the same tracks play on
// both sides, frames never stop for long. Then the node both are on is
// stopped with SIGTERM: it drains, the balancer follows its readiness check,
// and both pages move through the same address to a new node with no error
// shown and the same tracks playing.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, joinAs, openRoomPage, remoteVideoTrack } from '../harness/browser.js';
import { useBrowser } from '../harness/fixtures.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { prepareServerBuild } from '../harness/sfuNode.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcpProxy.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: signaling failover in the browser: ${buildProblem}`);

const ROOM = 'failover';
const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(buildProblem !== undefined)('a signaling node dies under a meeting', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  let proxy: TcpProxy;
  const browser = useBrowser();
  let anna: Page;
  let boris: Page;

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    // The balancer's address is the deployment's public one: browsers come
    // from its origin, so the nodes must know it (PUBLIC_URL), as behind a
    // real load balancer. Its upstream is set once the nodes are up.
    proxy = await startTcpProxy(0);
    deployment = await startDeployment(
      { redis, postgres },
      {
        signalingNodes: 2,
        sfuNodes: 1,
        env: {
          CLUSTER_HEARTBEAT_MS: '300',
          RECONNECT_GRACE_SECONDS: '30',
          SFU_LEASE_SECONDS: '30',
          // A stopped node that exits did so because its clients moved, not by its deadline.
          SIGNALING_DRAIN_SECONDS: '600',
          PUBLIC_URL: `http://127.0.0.1:${proxy.port}`,
        },
      },
    );
    proxy.route(portOf(deployment.signaling[0]!.url));
  }, 240_000);
  afterAll(async () => {
    await proxy?.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  it('the participant on it comes back through the other node with their media kept', async () => {
    const [nodeA, nodeB] = deployment.signaling as [
      Deployment['signaling'][number],
      Deployment['signaling'][number],
    ];
    const url = `http://127.0.0.1:${proxy.port}`;
    anna = await openRoomPage(browser, url, ROOM);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    // Boris's page and connection go to node B.
    proxy.route(portOf(nodeB.url));
    boris = await openRoomPage(browser, url, ROOM);
    await joinAs(boris, 'Boris');
    for (const [page, name] of [
      [anna, 'Boris'],
      [boris, 'Anna'],
    ] as const) {
      await waitFor(
        async () => (await framesRendered(page, name, 500)) >= 3,
        `${name} plays`,
        30_000,
      );
    }
    const before = {
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    };
    expect(before.borisForAnna).toBeDefined();
    expect(before.annaForBoris).toBeDefined();

    proxy.route(portOf(nodeA.url));
    await nodeB.kill('SIGKILL');
    await boris.getByTestId('reconnecting').waitFor({ timeout: 30_000 });
    // Back through the same address, now served by node A.
    await boris.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris after his node died',
      30_000,
    );
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna after his node died',
      30_000,
    );
    // Nothing was rebuilt: the same consumers play on both sides.
    expect({
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    }).toEqual(before);
  });

  it('a node stopped with SIGTERM sends both participants to another node, no error shown, media kept', async () => {
    const nodeA = deployment.signaling[0]!;
    const nodeC = await deployment.cluster.start();
    const before = {
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    };
    expect(before.borisForAnna).toBeDefined();
    const notices = [
      await anna.getByTestId('notice').count(),
      await boris.getByTestId('notice').count(),
    ];

    const exited = new Promise<number | null>((resolve) => nodeA.child.once('exit', resolve));
    nodeA.child.kill('SIGTERM');
    // The balancer's readiness check: until it sees node A not ready, new
    // connections still go there (and are refused); then they go to node C.
    await waitFor(
      async () =>
        (await fetch(`${nodeA.url}/readyz`).then(
          (r) => r.status,
          () => 0,
        )) !== 200,
      'node A says it is not ready',
      30_000,
    );
    proxy.route(portOf(nodeC.url));
    // Node A leaves once both pages have moved: it does not wait for its deadline.
    expect(await exited).toBe(0);
    for (const [page, other] of [
      [anna, 'Boris'],
      [boris, 'Anna'],
    ] as const) {
      await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
      await waitFor(
        async () => (await framesRendered(page, other, 500)) >= 3,
        `${other} plays after the move`,
        30_000,
      );
      expect(await page.getByTestId('join-error').count()).toBe(0);
    }
    expect([
      await anna.getByTestId('notice').count(),
      await boris.getByTestId('notice').count(),
    ]).toEqual(notices);
    expect({
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    }).toEqual(before);
    expect((await (await fetch(`${nodeC.url}/healthz`)).json()) as unknown).toMatchObject({
      peers: 2,
    });
  });
});
