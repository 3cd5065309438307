// The web client tells the server how long joining took it: in Chromium, two
// people join through the real page; once each has media ready, the node's
// join-latency histogram on /metrics holds one figure per join, each the
// time from the click on Join to media ready.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinAs, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { scrape } from '../harness/metrics.js';
import { waitFor } from '../harness/sfu.js';

describe('join timing reported by the web client', () => {
  const server = useTestServer();
  const browser = useBrowser();

  it('counts each join once, from the click on Join to media ready', async () => {
    const pages: Page[] = [];
    for (const name of ['Анна', 'Boris']) {
      const page = await openRoomPage(browser, server.url, 'join-timing');
      await joinAs(page, name);
      await page.getByTestId('local-video').waitFor();
      pages.push(page);
    }
    const [anna, boris] = pages as [Page, Page];
    await anna.locator('[data-testid="tile"][data-peer-name="Boris"]').waitFor({ timeout: 20_000 });
    await boris.locator('[data-testid="tile"][data-peer-name="Анна"]').waitFor({ timeout: 20_000 });

    let reported = { count: 0, sum: 0 };
    await waitFor(
      async () => {
        const m = (await scrape(server.url)).scrape!;
        reported = {
          count: m.count('veche_signaling_join_media_seconds'),
          sum: m.sum('veche_signaling_join_media_seconds'),
        };
        return reported.count >= 2;
      },
      'both joins are reported',
      20_000,
    );
    expect(reported.count).toBe(2);
    // Joining takes some time, and far less than the histogram's ceiling.
    expect(reported.sum).toBeGreaterThan(0);
    expect(reported.sum).toBeLessThan(2 * 60);
  });
});
