// An office network that drops all UDP: a participant whose browser sits
// behind it (a test host in a network namespace, its firewall dropping every
// UDP packet it sends) still joins, sends and receives video — over ICE-TCP
// to the SFU's media port, since the SFU listens on TCP too. The other
// participant is on an open network. Media go over the test host's link only.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags, chromiumPath, framesRendered, joinAs } from '../harness/browser.js';
import { mediaPaths, recordPeerConnections } from '../harness/iceWatch.js';
import { createTestHost, netnsProblem, type TestHost } from '../harness/netns.js';
import { freePort } from '../harness/ports.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor } from '../harness/sfu.js';

const problem = await netnsProblem();
if (problem) console.log(`skipped: a firewalled client (network namespace): ${problem}`);

const ROOM = 'behind-a-firewall';

describe.skipIf(problem !== undefined)('a participant behind a firewall that drops UDP', () => {
  let host: TestHost;
  let server: TestServer;
  let outside: Browser;
  let inside: Browser;
  let anna: Page;
  let boris: Page;

  beforeAll(async () => {
    host = await createTestHost();
    // Media and signaling on this machine's end of the test host's link.
    const sfu = await startTestSfu({
      workers: 1,
      rtcPort: await freePort(),
      listenIp: host.hostIp,
    });
    server = await startTestServer({ sfu, host: host.hostIp });
    // The page is served over http from the link's address: a secure context by flag.
    const flags = [...chromiumFlags, `--unsafely-treat-insecure-origin-as-secure=${server.url}`];
    outside = await chromium.launch({ executablePath: chromiumPath(), args: flags });
    inside = await chromium.launch({
      executablePath: await host.wrapper(chromiumPath()),
      args: flags,
    });
    await host.firewall(['meta l4proto udp drop']);
    const open = async (browser: Browser) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      await recordPeerConnections(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${ROOM}`);
      return page;
    };
    anna = await open(outside);
    boris = await open(inside);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    await joinAs(boris, 'Boris');
  }, 120_000);

  afterAll(async () => {
    await inside?.close();
    await outside?.close();
    await server?.close();
    await host?.remove();
  });

  it('receives and sends video over TCP to the media server', async () => {
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris behind the firewall',
      45_000,
    );
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna',
      45_000,
    );
    const paths = await mediaPaths(boris);
    console.log('firewalled client (UDP dropped): media paths', JSON.stringify(paths));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      expect(path.protocol).toBe('tcp');
      expect(path.remoteAddress).toBe(host.hostIp);
      expect(path.bytesReceived).toBeGreaterThan(0);
    }
  });
});
