// Layout and what it costs the server: with one tile per page the participant
// on the other page has their camera paused in the SFU, and paging back and
// forth swaps which one; in the speaker layout the large tile asks for a
// higher simulcast layer than the small one; the speaker view has one large
// tile; audio only pauses every camera we receive.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, hasLiveRemoteAudio, joinAs, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'layout';

describe('layout, pagination and layers in the browser', () => {
  const server = useTestServer();
  const browser = useBrowser();
  let anna: Page;
  const others: Page[] = [];

  const inspect = (consumerId: string) =>
    server.sfu.sfu.call('inspectConsumer', { roomId: ROOM, consumerId });
  /** The camera consumer id shown in the one tile of `name` on Anna's page. */
  const shownConsumer = async (name: string) => {
    const video = anna.locator(`[data-testid="tile"][data-peer-name="${name}"] video`);
    await waitFor(
      async () => (await video.count()) === 1 && !!(await video.getAttribute('data-consumer-id')),
      `${name}'s video on Anna's page`,
      20_000,
    );
    return (await video.getAttribute('data-consumer-id'))!;
  };
  const shownName = async () =>
    (await anna.getByTestId('tile').first().getAttribute('data-peer-name'))!;

  beforeAll(async () => {
    anna = await openRoomPage(browser, server.url, ROOM, {
      localStorage: { 'veche.pageSize': '1' },
    });
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    for (const name of ['Boris', 'Vera']) {
      const page = await openRoomPage(browser, server.url, ROOM);
      await joinAs(page, name);
      await page.getByTestId('local-video').waitFor();
      others.push(page);
    }
    await waitFor(
      async () => (await anna.getByTestId('participant-count').textContent())?.trim() === '3',
      'three in the room',
      20_000,
    );
  });

  it('with one tile per page, the participant off the page is paused on the server', async () => {
    expect(await anna.getByTestId('tile').count()).toBe(1);
    const first = await shownName();
    const firstConsumer = await shownConsumer(first);
    await waitFor(async () => !(await inspect(firstConsumer)).paused, 'shown camera flows', 10_000);

    await anna.getByTestId('page-next').click();
    await waitFor(async () => (await shownName()) !== first, 'next page', 10_000);
    const second = await shownName();
    const secondConsumer = await shownConsumer(second);
    await waitFor(async () => (await inspect(firstConsumer)).paused, 'off page: paused', 10_000);
    // Their camera is paused, but we still hear them.
    await waitFor(
      () =>
        anna.evaluate(() =>
          [
            ...document.querySelectorAll<HTMLAudioElement>(
              '[data-testid="background-audio"] audio',
            ),
          ].some(
            (el) =>
              !el.paused &&
              el.srcObject instanceof MediaStream &&
              el.srcObject.getAudioTracks().some((t) => t.readyState === 'live'),
          ),
        ),
      'the participant on the other page is still heard',
      10_000,
    );
    await waitFor(async () => !(await inspect(secondConsumer)).paused, 'on page: flowing', 10_000);
    expect(await inspect(firstConsumer)).toMatchObject({ kind: 'video', producerPaused: false });

    await anna.getByTestId('page-prev').click();
    await waitFor(async () => !(await inspect(firstConsumer)).paused, 'back: resumed', 10_000);
    await waitFor(async () => (await inspect(secondConsumer)).paused, 'now off: paused', 10_000);
  });

  it('in the speaker layout the large tile prefers a higher simulcast layer', async () => {
    // Every fake microphone beeps alike, so the active speaker (and with it
    // the large tile) would keep moving; everyone mutes to hold it still.
    for (const page of [anna, ...others]) {
      if ((await page.getByTestId('mic-toggle').getAttribute('aria-pressed')) !== 'false') {
        await page.getByTestId('mic-toggle').click();
      }
    }
    await anna.getByTestId('layout-toggle').click();
    // Read the large and the small tile together, in one go, so a late swap
    // cannot pair one tile's size with the other's consumer.
    const snapshot = () =>
      anna.evaluate(() =>
        ['true', 'false'].map((isMain) => {
          const tile = [...document.querySelectorAll('[data-testid="tile"]')].find(
            (el) => (el.getAttribute('data-main') ?? 'false') === isMain,
          );
          return {
            width: tile?.getBoundingClientRect().width ?? 0,
            consumer: tile?.querySelector('video')?.getAttribute('data-consumer-id') ?? '',
          };
        }),
      );
    let last = '';
    await waitFor(
      async () => {
        const [big, little] = await snapshot();
        if (!big?.consumer || !little?.consumer) return false;
        const [bigC, littleC] = await Promise.all([
          inspect(big.consumer),
          inspect(little.consumer),
        ]);
        last = JSON.stringify({ big, little, bigC, littleC });
        return (
          big.width > little.width * 2 &&
          bigC.type === 'simulcast' &&
          littleC.type === 'simulcast' &&
          littleC.preferredLayers?.spatialLayer === 0 &&
          (bigC.preferredLayers?.spatialLayer ?? 0) >= 1 &&
          !bigC.paused &&
          !littleC.paused
        );
      },
      'the large tile is over twice as wide and prefers a higher layer than the small one',
      15_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last seen ${last}`);
    });
  });

  it('pinning keeps a participant large', async () => {
    const small = anna.locator('[data-testid="tile"]:not([data-main="true"])');
    const name = (await small.getAttribute('data-peer-name'))!;
    // By name: the active speaker (every fake microphone beeps) may swap the
    // large and small tiles between reading the name and the click.
    await anna.locator(`[data-testid="tile"][data-peer-name="${name}"]`).getByTestId('pin').click();
    const main = anna.locator('[data-testid="tile"][data-main="true"]');
    await waitFor(
      async () => (await main.getAttribute('data-peer-name')) === name,
      'pinned is large',
    );
    expect(await main.getByTestId('pin').getAttribute('aria-pressed')).toBe('true');
  });

  it('speaker view shows one large tile', async () => {
    // The speaking indicator is asserted in meeting.test.ts; who is dominant,
    // in the webrtc tier (active-speaker.test.ts), where the audio is under
    // the test's control (every fake microphone here beeps alike).
    const boris = others[0]!;
    if ((await boris.getByTestId('layout-toggle').getAttribute('data-layout')) !== 'speaker') {
      await boris.getByTestId('layout-toggle').click();
    }
    await waitFor(
      async () => (await boris.locator('[data-testid="tile"][data-main="true"]').count()) === 1,
      'speaker view shows one large tile',
      10_000,
    );
  });
  it('audio only: no camera comes in, voices still do; turned back, the video returns', async () => {
    const boris = others[0]!;
    const vera = others[1]!;
    for (const page of [anna, vera]) await page.getByTestId('mic-toggle').click();
    const videoConsumers = () =>
      boris.evaluate(() =>
        [...document.querySelectorAll('[data-testid="tile"] video[data-consumer-id]')].map((el) =>
          el.getAttribute('data-consumer-id')!,
        ),
      );
    await waitFor(async () => (await videoConsumers()).length === 2, 'two cameras shown', 10_000);
    const consumers = await videoConsumers();
    const toggle = boris.getByTestId('incoming-video-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');

    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await waitFor(
      async () => (await Promise.all(consumers.map(inspect))).every((c) => c.paused),
      'both cameras paused on the server',
      10_000,
    );
    expect(await boris.getByTestId('video-hidden').count()).toBe(2);
    expect(await boris.locator('[data-testid="tile"][data-video-hidden="true"]').count()).toBe(2);
    expect(await videoConsumers()).toEqual([]);
    // Only Boris stopped receiving: the cameras are still sent.
    for (const c of await Promise.all(consumers.map(inspect))) expect(c.producerPaused).toBe(false);
    await waitFor(
      async () =>
        (await hasLiveRemoteAudio(boris, 'Anna')) && (await hasLiveRemoteAudio(boris, 'Vera')),
      'Boris still hears Anna and Vera',
      10_000,
    );

    await toggle.click();
    await waitFor(
      async () => (await Promise.all(consumers.map(inspect))).every((c) => !c.paused),
      'both cameras resumed',
      10_000,
    );
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays again for Boris',
      10_000,
    );
    expect(await boris.getByTestId('video-hidden').count()).toBe(0);
  });
});
