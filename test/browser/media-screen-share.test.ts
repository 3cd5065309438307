// Screen sharing through the real UI: one of three shares, the two others see
// it large with frames advancing; stopping (our button, or the browser's own
// "stop sharing") removes it for everyone.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { framesOf, joinAs, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'screen-share';
const SCREEN = 'video[data-testid="screen-share"]';

describe('screen sharing in the browser', () => {
  const server = useTestServer();
  const browser = useBrowser();
  const pages: Page[] = [];

  beforeAll(async () => {
    for (const name of ['Anna', 'Boris', 'Vera']) {
      const page = await openRoomPage(browser, server.url, ROOM);
      await joinAs(page, name);
      await page.getByTestId('local-video').waitFor();
      pages.push(page);
    }
    for (const page of pages) {
      await waitFor(
        async () => (await page.getByTestId('tile').count()) === 2,
        'three meet',
        20_000,
      );
    }
  });

  const viewers = () => pages.slice(1);

  it('a share appears large for the others, with frames advancing', async () => {
    const [anna] = pages;
    const toggle = anna!.getByTestId('screen-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await waitFor(
      async () => (await toggle.getAttribute('aria-pressed')) === 'true',
      'button shows sharing',
      10_000,
    );
    for (const page of viewers()) {
      await page.locator(SCREEN).waitFor({ timeout: 20_000 });
      await waitFor(
        async () => (await framesOf(page, SCREEN, 500)) >= 3,
        'screen share plays',
        20_000,
      );
      // Large: wider than any participant tile.
      const screen = await page.locator(SCREEN).boundingBox();
      const tile = await page.getByTestId('tile').first().boundingBox();
      expect(screen!.width).toBeGreaterThan(tile!.width);
    }
    expect(await anna!.locator(SCREEN).count()).toBe(0);
  });

  it('stopping with the button removes it for everyone', async () => {
    const [anna] = pages;
    await anna!.getByTestId('screen-toggle').click();
    for (const page of viewers()) {
      await page.locator(SCREEN).waitFor({ state: 'detached', timeout: 20_000 });
    }
    expect(await anna!.getByTestId('screen-toggle').getAttribute('aria-pressed')).toBe('false');
  });

  it("the browser's own stop sharing (track ended) stops it too", async () => {
    const [, boris] = pages;
    // Keep the captured stream reachable, as the browser's own UI holds it.
    await boris!.evaluate(() => {
      const original = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getDisplayMedia = async (constraints) => {
        const stream = await original(constraints);
        (window as unknown as { capturedScreen: MediaStream }).capturedScreen = stream;
        return stream;
      };
    });
    await boris!.getByTestId('screen-toggle').click();
    const anna = pages[0]!;
    await anna.locator(SCREEN).waitFor({ timeout: 20_000 });
    await boris!.evaluate(() => {
      const stream = (window as unknown as { capturedScreen: MediaStream }).capturedScreen;
      for (const track of stream.getVideoTracks()) {
        track.stop();
        // What Chromium fires when the user clicks its "Stop sharing" bar.
        track.dispatchEvent(new Event('ended'));
      }
    });
    await anna.locator(SCREEN).waitFor({ state: 'detached', timeout: 20_000 });
    await waitFor(
      async () =>
        (await boris!.getByTestId('screen-toggle').getAttribute('aria-pressed')) === 'false',
      'button shows not sharing',
    );
  });
});
