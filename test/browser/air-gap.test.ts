// No request leaves the deployment: a meeting page — the join screen, two
// participants with camera and microphone, chat, a camera toggle — makes
// every HTTP request and WebSocket to the server that served it (or to
// data:/blob: URLs it made itself), and its WebRTC connections get only the
// deployment's own TURN server: no public STUN, no CDN, no web fonts, no
// telemetry. Anything else fails the test, named.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, joinAs } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { mediaPaths, recordedConnections, recordPeerConnections } from '../harness/iceWatch.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'air-gap';
// The deployment's TURN server (nothing needs to answer there for this test).
const TURN_URL = 'turn:127.0.0.1:3478?transport=udp';

describe('a meeting page in a closed network', () => {
  const server = useTestServer({
    turnEnv: { TURN_URLS: TURN_URL, TURN_SECRET: 'air-gap-test-secret-of-32-characters!' },
  });
  const browser = useBrowser();
  /** Every address a page asked for, with the page's name. */
  const asked: { who: string; url: string }[] = [];
  let anna: Page;
  let boris: Page;

  const open = async (who: string) => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    await recordPeerConnections(context);
    context.on('request', (request) => asked.push({ who, url: request.url() }));
    const page = await context.newPage();
    page.on('websocket', (socket) => asked.push({ who, url: socket.url() }));
    await page.goto(`${server.url}/r/${ROOM}`);
    return page;
  };

  beforeAll(async () => {
    anna = await open('Anna');
    boris = await open('Boris');
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    await joinAs(boris, 'Boris');
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna',
      30_000,
    );
    await anna.getByTestId('chat-toggle').click();
    await anna.getByTestId('chat-input').fill('Всё работает внутри сети');
    await anna.getByTestId('chat-send').click();
    await boris.getByTestId('cam-toggle').click();
    await boris.getByTestId('cam-toggle').click();
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna again',
      30_000,
    );
  }, 120_000);

  it('asks nothing of any other address', () => {
    const origin = new URL(server.url).origin;
    const outside = asked.filter(({ url }) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
      const asHttp = parsed.protocol.replace(/^ws/, 'http');
      return `${asHttp}//${parsed.host}` !== origin;
    });
    expect(asked.length).toBeGreaterThan(5);
    expect(outside).toEqual([]);
  });

  it('gives WebRTC only the deployment TURN server, and media flow to the deployment', async () => {
    for (const page of [anna, boris]) {
      const connections = await recordedConnections(page);
      expect(connections.length).toBeGreaterThan(0);
      const urls = new Set(connections.flatMap((c) => c.iceServers.flatMap((s) => s.urls)));
      expect([...urls]).toEqual([TURN_URL]);
      for (const path of await mediaPaths(page)) expect(path.remoteAddress).toBe('127.0.0.1');
    }
  });
});
