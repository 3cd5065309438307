// A meeting across an office firewall: the media server, signaling and
// (optionally) coturn on this machine's end of a test host's link, Anna's
// browser on this machine, Boris's inside the test host (a network namespace)
// whose firewall the test sets. Pages are served over http from the link's
// address, a secure context by Chromium's flag for that one origin.
import type { Page } from 'playwright-core';
import { chromiumPath, joinAs } from './browser.js';
import { startCoturn, type TestCoturn } from './coturn.js';
import { recordPeerConnections } from './iceWatch.js';
import { createTestHost, type TestHost } from './netns.js';
import { freePort } from './ports.js';
import { startTestServer, type TestServer } from './server.js';
import { startTestSfu } from './sfu.js';
import { launchTestBrowser, type TestBrowser } from './trustingBrowser.js';

export interface OfficeNetworkOptions {
  /** Run coturn (UDP, TCP and TLS) and give clients all three URLs. */
  turn?: boolean;
  /** The test host's firewall while both join (nftables output rules, see TestHost). */
  firewall?: (ports: OfficeNetworkPorts) => string[];
}

export interface OfficeNetworkPorts {
  hostIp: string;
  /** Signaling (HTTP, socket.io). */
  signaling: number;
  /** The SFU worker's media port (UDP and TCP). */
  media: number;
  turn?: { listen: number; tls: number };
}

export interface OfficeNetwork {
  readonly host: TestHost;
  readonly ports: OfficeNetworkPorts;
  readonly server: TestServer;
  readonly coturn: TestCoturn | undefined;
  /** On the open network. */
  readonly anna: Page;
  /** Behind the test host's firewall. */
  readonly boris: Page;
  close(): Promise<void>;
}

export async function startOfficeNetwork(
  room: string,
  options: OfficeNetworkOptions = {},
): Promise<OfficeNetwork> {
  const host = await createTestHost();
  const owned: { close(): Promise<void> }[] = [];
  const close = async () => {
    for (const item of owned.reverse()) await item.close().catch(() => undefined);
    await host.remove();
  };
  try {
    const media = await freePort();
    const sfu = await startTestSfu({ workers: 1, rtcPort: media, listenIp: host.hostIp });
    const coturn = options.turn
      ? await startCoturn({
          host: host.hostIp,
          tls: { name: host.hostIp },
          // The SFU's media address is the one internal address coturn may relay to.
          allowedPeerIps: [host.hostIp],
        })
      : undefined;
    if (coturn) owned.push({ close: () => coturn.stop() });
    const server = await startTestServer({
      sfu,
      host: host.hostIp,
      ...(coturn
        ? {
            turnEnv: {
              TURN_URLS: [coturn.urls.udp, coturn.urls.tcp, coturn.urls.tls].join(','),
              TURN_SECRET: coturn.secret,
            },
          }
        : {}),
    });
    owned.push(server);
    const ports: OfficeNetworkPorts = {
      hostIp: host.hostIp,
      signaling: server.port,
      media,
      ...(coturn ? { turn: { listen: coturn.ports.listen, tls: coturn.ports.tls ?? 0 } } : {}),
    };
    const args = [`--unsafely-treat-insecure-origin-as-secure=${server.url}`];
    const trust = coturn?.ca ? { trustCa: coturn.ca } : {};
    const outside: TestBrowser = await launchTestBrowser({ args, ...trust });
    owned.push(outside);
    const inside: TestBrowser = await launchTestBrowser({
      executablePath: await host.wrapper(chromiumPath()),
      args,
      ...trust,
    });
    owned.push(inside);
    await host.firewall(options.firewall?.(ports) ?? []);
    const open = async (browser: TestBrowser, name: string) => {
      const context = await browser.browser.newContext({ permissions: ['camera', 'microphone'] });
      await recordPeerConnections(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${encodeURIComponent(room)}`);
      await joinAs(page, name);
      return page;
    };
    const anna = await open(outside, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    const boris = await open(inside, 'Boris');
    return { host, ports, server, coturn, anna, boris, close };
  } catch (error) {
    await close();
    throw error;
  }
}
