// Media through the deployment's TURN server: a real coturn running the
// configuration `npm run turn -- config` generates (production peer policy,
// with the SFU's media address allowed), and two participants whose browsers
// send everything through the relay (`#relay=1`). Over each of coturn's
// transports — UDP, TCP, and TLS with a certificate the browser verifies
// against a CA it trusts — both join and see each other's video, and every
// media path the browser uses is a relay over that transport.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, joinAs } from '../harness/browser.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { mediaPaths, recordPeerConnections, type MediaPath } from '../harness/iceWatch.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';
import { launchTestBrowser, type TestBrowser } from '../harness/trustingBrowser.js';

/** Opens the room with the relay switch on, records its connections, joins as `name`. */
async function joinRelayed(browser: Browser, url: string, room: string, name: string) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await recordPeerConnections(context);
  const page = await context.newPage();
  await page.goto(`${url}/r/${room}#relay=1`);
  await joinAs(page, name);
  return page;
}

describe('meetings relayed through coturn', () => {
  let coturn: TestCoturn;
  let testBrowser: TestBrowser;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    coturn = await startCoturn({ tls: true, allowedPeerIps: ['127.0.0.1'] });
    testBrowser = await launchTestBrowser({ trustCa: coturn.ca });
  }, 60_000);

  afterAll(async () => {
    await testBrowser?.close();
    for (const server of servers) await server.close();
    await coturn?.stop();
  });

  for (const transport of ['udp', 'tcp', 'tls'] as const) {
    it(`carry video both ways over TURN/${transport.toUpperCase()}`, async () => {
      const url = coturn.urls[transport];
      if (!url) throw new Error(`coturn has no ${transport} listener`);
      const server = await startTestServer({
        turnEnv: { TURN_URLS: url, TURN_SECRET: coturn.secret },
      });
      servers.push(server);
      const room = `relayed-${transport}`;
      const anna: Page = await joinRelayed(testBrowser.browser, server.url, room, 'Anna');
      await anna.getByTestId('local-video').waitFor();
      const boris: Page = await joinRelayed(testBrowser.browser, server.url, room, 'Boris');
      await waitFor(
        async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
        `Anna plays for Boris over TURN/${transport}`,
        45_000,
      );
      await waitFor(
        async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
        `Boris plays for Anna over TURN/${transport}`,
        45_000,
      );
      const paths: MediaPath[] = [...(await mediaPaths(anna)), ...(await mediaPaths(boris))];
      console.log(`TURN/${transport}: media paths`, JSON.stringify(paths));
      expect(paths.length).toBeGreaterThanOrEqual(2);
      for (const path of paths) {
        expect(path.localType).toBe('relay');
        expect(path.relayProtocol).toBe(transport);
        expect(path.bytesReceived).toBeGreaterThan(0);
      }
      await anna.context().close();
      await boris.context().close();
    });
  }
});
