// Two people in Chromium whose media sit on different SFU nodes see and hear
// each other: the room's home drains after Anna joined, so Boris's media go
// to the other node and reach Anna's through a pipe (and hers his). The
// admin dashboard then shows both nodes and each participant's media node,
// and moves the meeting off the home: Anna's page says her media are
// reconnecting, then both play again from the other node. Last, that node
// is killed: both pages show the notice and play again from the first one.
// Real processes: Redis, PostgreSQL, two SFU nodes registered in Redis, one
// signaling node finding them there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { runAdmin } from '../harness/adminCli.js';
import {
  framesRendered,
  hasLiveRemoteAudio,
  joinAs,
  openRoomPage,
  watchTestId,
} from '../harness/browser.js';
import { useBrowser } from '../harness/fixtures.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import {
  sfuNodeClients,
  adminEnv,
  nodesRegistered,
  nodeInState,
} from '../harness/registryDeployment.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { prepareServerBuild } from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: a room across SFU nodes in the browser: ${buildProblem}`);

const ROOM = 'span-browser';

describe.skipIf(buildProblem !== undefined)('a room across two SFU nodes in the browser', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let deployment: Deployment;
  const browser = useBrowser();
  const nodes = new Map<string, SfuApi>();
  let admin: Record<string, string>;

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    deployment = await startDeployment(
      { redis, postgres },
      { signalingNodes: 1, sfuNodes: 2, registry: { heartbeatMs: 300 } },
    );
    for (const [id, client] of sfuNodeClients(deployment)) nodes.set(id, client);
    admin = await adminEnv(deployment);
    await nodesRegistered(admin, 2);
  }, 240_000);
  afterAll(async () => {
    for (const node of nodes.values()) await node.close();
    await deployment?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  const peersOn = async (nodeId: string) =>
    (await nodes.get(nodeId)!.call('inspectRoom', { roomId: ROOM })).peers;

  it('two pages on different nodes see and hear each other; their meeting moves off a drained node and survives the death of the next', async () => {
    const url = deployment.signaling[0]!.url;
    const anna = await openRoomPage(browser, url, ROOM);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    let home = '';
    await waitFor(async () => {
      for (const id of nodes.keys()) if ((await peersOn(id)) === 1) home = id;
      return home !== '';
    }, 'Anna’s media on a node');
    const other = [...nodes.keys()].find((id) => id !== home)!;

    // The home drains: Boris's media go to the other node.
    expect((await runAdmin(['drain', home], admin)).code).toBe(0);
    await nodeInState(admin, home, 'DRAINING');
    const boris = await openRoomPage(browser, url, ROOM);
    await joinAs(boris, 'Boris');
    await waitFor(async () => (await peersOn(other)) === 1, 'Boris’s media on the other node');
    expect(await peersOn(home)).toBe(1);

    for (const [page, name] of [
      [anna, 'Boris'],
      [boris, 'Anna'],
    ] as const) {
      await waitFor(
        async () => (await framesRendered(page, name, 500)) >= 3,
        `${name} plays across nodes`,
        60_000,
      );
      await waitFor(() => hasLiveRemoteAudio(page, name), `${name} is heard across nodes`, 30_000);
    }

    // The dashboard shows the room across both nodes, each participant on theirs.
    const dashboard = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
    await dashboard.goto(`${url}/admin.html#token=${admin['VECHE_TOKEN']}`);
    await dashboard.locator('[data-testid="admin-node"]').nth(1).waitFor();
    const row = dashboard.locator(`[data-testid="admin-live-room"][data-room="${ROOM}"]`);
    await row.waitFor();
    await waitFor(
      async () => (await row.getByTestId('admin-live-node').count()) === 2,
      'both participants with their media node',
    );
    expect(
      (
        await row
          .getByTestId('admin-live-node')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))
      ).sort(),
    ).toEqual([home, other].sort());
    const shot = process.env['VECHE_SCREENSHOT_DIR'];
    if (shot) await dashboard.screenshot({ path: `${shot}/admin-cluster.png`, fullPage: true });

    // From the dashboard, the home's meeting moves to the other node: Anna's
    // page says it is reconnecting her media, then both play again.
    const annaNotice = await watchTestId(anna, 'media-reconnecting');
    const homeCard = dashboard.locator(`[data-testid="admin-node"][data-node="${home}"]`);
    await homeCard.getByTestId('admin-node-migrate').click();
    await homeCard.getByTestId('admin-node-migrate-confirm').click();
    await waitFor(
      async () => (await peersOn(other)) === 2 && (await peersOn(home)) === 0,
      'both participants’ media on the other node',
      60_000,
    );
    expect(await annaNotice()).toBe('Reconnecting audio and video…');
    await anna.getByTestId('media-reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    for (const [page, name] of [
      [anna, 'Boris'],
      [boris, 'Anna'],
    ] as const) {
      await waitFor(
        async () => (await framesRendered(page, name, 500)) >= 3,
        `${name} plays after the move`,
        60_000,
      );
    }
    expect(await anna.getByTestId('reconnecting').count()).toBe(0);
    await dashboard.context().close();
    expect((await runAdmin(['undrain', home], admin)).code).toBe(0);

    // The node now under both of them dies: both pages show the media notice,
    // rebuild on the first node, and see each other again without navigating.
    await nodeInState(admin, home, 'SERVING');
    const notices = [
      await watchTestId(anna, 'media-reconnecting'),
      await watchTestId(boris, 'media-reconnecting'),
    ];
    const urls = [anna.url(), boris.url()];
    await deployment.sfu[[...nodes.keys()].indexOf(other)]!.kill('SIGKILL');
    await waitFor(
      async () => (await peersOn(home)) === 2,
      'both rebuilt on the first node',
      60_000,
    );
    for (const [page, name] of [
      [anna, 'Boris'],
      [boris, 'Anna'],
    ] as const) {
      await waitFor(
        async () => (await framesRendered(page, name, 500)) >= 3,
        `${name} plays after the node died`,
        60_000,
      );
      await page.getByTestId('media-reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    }
    for (const seen of notices) expect(await seen()).toBe('Reconnecting audio and video…');
    expect([anna.url(), boris.url()]).toEqual(urls);
  });
});
