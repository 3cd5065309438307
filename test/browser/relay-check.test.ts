// The admin's relay (TURN) check in a real Chromium against a real coturn
// (the product's generated config, loopback allowed as a peer) and the real
// SFU: one relay-only session per TURN URL, each on a fresh ICE probe. UDP,
// TCP and TLS (the test CA trusted through an NSS database) carry data with a
// measured round trip; a URL with a closed port fails for want of a relay
// candidate. Prints the table the page shows. Without coturn the page says
// no TURN server is configured.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useTestServer } from '../harness/fixtures.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { freePort } from '../harness/ports.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';
import { launchTestBrowser, type TestBrowser } from '../harness/trustingBrowser.js';

/** Every path in turn: relay allocation, ICE, DTLS, SCTP and three seconds of data each. */
const CHECK_MS = 150_000;
const admin = { sub: 'root', name: 'Админ', office: 'gov-a', role: 'admin' as const };

interface Row {
  transport: string;
  result: string;
  failure: string;
  bytes: number;
  rtt: number | null;
  text: string;
}

async function runCheck(page: Page): Promise<Row[]> {
  await page.getByTestId('admin-relay-check').click();
  const status = page.getByTestId('admin-relay-status');
  await waitFor(
    async () =>
      ['done', 'none', 'failed'].includes((await status.getAttribute('data-state')) ?? ''),
    'the relay check ends',
    CHECK_MS,
  );
  expect(await status.getAttribute('data-state'), (await status.textContent()) ?? '').toBe('done');
  return page.getByTestId('admin-relay-row').evaluateAll((rows) =>
    rows.map((row) => {
      const rtt = row.querySelector('[data-testid="admin-relay-rtt"]')?.getAttribute('data-rtt');
      return {
        transport: row.getAttribute('data-transport') ?? '',
        result: row.getAttribute('data-result') ?? '',
        failure: row.getAttribute('data-failure') ?? '',
        bytes: Number(
          row.querySelector('[data-testid="admin-relay-bytes"]')?.getAttribute('data-bytes'),
        ),
        rtt: rtt ? Number(rtt) : null,
        text: (row as HTMLElement).innerText.replace(/\s+/g, ' '),
      };
    }),
  );
}

describe('relay (TURN) check from the admin dashboard', () => {
  let coturn: TestCoturn;
  let closedPort: number;
  beforeAll(async () => {
    coturn = await startCoturn({ tls: true, allowedPeerIps: ['127.0.0.1'] });
    closedPort = await freePort();
  });
  afterAll(async () => {
    await coturn?.stop();
  });
  const db = useDatabase();
  const server = useTestServer(() => ({
    mode: 'production',
    adHocRooms: false,
    db,
    turnEnv: {
      TURN_URLS: [
        coturn.urls.udp,
        coturn.urls.tcp,
        coturn.urls.tls,
        `turn:127.0.0.1:${closedPort}?transport=tcp`,
      ].join(','),
      TURN_SECRET: coturn.secret,
    },
  }));
  // A browser that trusts the test CA, as a managed workstation trusts its own.
  let trusting: TestBrowser;
  let browser: Browser;
  beforeAll(async () => {
    trusting = await launchTestBrowser({ trustCa: coturn.ca });
    browser = trusting.browser;
  });
  afterAll(async () => {
    await trusting?.close();
  });

  const openDashboard = async (url: string, token: string) => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${url}/admin.html#token=${token}`);
    await page.getByTestId('admin-dashboard').waitFor();
    return page;
  };

  it('shows data and a round trip through UDP, TCP and TLS, and a failure for a closed port', async () => {
    const page = await openDashboard(server.url, await server.staffToken(admin));
    const rows = await runCheck(page);
    console.log(
      [
        'relay check (as the admin page shows it):',
        ...rows.map(
          (r) =>
            `  ${r.transport.padEnd(4)} ${r.result.padEnd(7)} bytes=${String(r.bytes).padStart(6)} rtt=${r.rtt ?? '—'} ms  | ${r.text}`,
        ),
      ].join('\n'),
    );
    expect(rows.map((r) => r.transport)).toEqual(['udp', 'tcp', 'tls', 'tcp']);
    const working = rows.slice(0, -1);
    for (const row of working) {
      expect(row, row.text).toMatchObject({ result: 'ok', failure: '' });
      expect(row.bytes, row.text).toBeGreaterThan(0);
      expect(row.rtt, row.text).not.toBeNull();
    }
    expect(rows.at(-1), rows.at(-1)?.text).toMatchObject({
      result: 'failed',
      failure: 'noRelay',
      bytes: 0,
    });
    // Every probe was deleted: another run finds room on the node for all its paths.
    const again = await runCheck(page);
    expect(again.map((r) => r.result)).toEqual(rows.map((r) => r.result));
    await page.context().close();
  });

  it('says so when no TURN server is configured', async () => {
    const plain: TestServer = await startTestServer({
      mode: 'production',
      adHocRooms: false,
      db,
      sfu: server.sfu,
    });
    try {
      const page = await openDashboard(plain.url, await plain.staffToken(admin));
      await page.getByTestId('admin-relay-check').click();
      const status = page.getByTestId('admin-relay-status');
      await waitFor(
        async () => (await status.getAttribute('data-state')) === 'none',
        'the page says there is no TURN server',
      );
      expect(await status.textContent()).toContain('No TURN server is configured');
      expect(await page.getByTestId('admin-relay-row').count()).toBe(0);
      await page.context().close();
    } finally {
      await plain.close();
    }
  });
});
