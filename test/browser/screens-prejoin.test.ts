// The join screen's device checks: preview, level meter, device lists,
// speaker test, and starting with the camera or microphone off — which the
// others see — while one click on `join` still joins. Refused or missing
// devices are explained before joining, and the meeting goes on without them.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  framesRendered,
  hasLiveRemoteAudio,
  joinAs,
  openRoomPage,
  refuseDevices,
} from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const tileOf = (page: Page, name: string) =>
  page.locator(`[data-testid="tile"][data-peer-name="${name}"]`);

describe('pre-join screen', () => {
  const server = useTestServer();
  const browser = useBrowser();

  it('shows the camera, the microphone level and the devices before joining', async () => {
    const page = await openRoomPage(browser, server.url, 'prejoin-check');
    const preview = page.getByTestId('prejoin-preview');
    await waitFor(
      () => preview.evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && !v.paused),
      'the preview plays',
      10_000,
    );
    // Chromium's fake microphone beeps: the meter moves.
    await waitFor(
      async () => Number(await page.getByTestId('mic-level').getAttribute('data-level')) > 0.01,
      'the mic level moves',
      10_000,
    );
    expect(await page.getByTestId('prejoin-mic-select').locator('option').count()).toBeGreaterThan(
      0,
    );
    expect(await page.getByTestId('prejoin-cam-select').locator('option').count()).toBeGreaterThan(
      0,
    );
    await page.getByTestId('speaker-test').click();
    expect(await page.getByTestId('speaker-test').isDisabled()).toBe(true);
    await waitFor(
      async () => !(await page.getByTestId('speaker-test').isDisabled()),
      'the tone ends',
      5_000,
    );
    expect(await page.getByTestId('prejoin-problem').count()).toBe(0);
    await page.context().close();
  });

  it('joining with the camera off: the other side sees camera off and gets no frames', async () => {
    const anna = await openRoomPage(browser, server.url, 'prejoin-meet');
    const boris = await openRoomPage(browser, server.url, 'prejoin-meet');
    await joinAs(anna, 'Анна');
    await anna.getByTestId('local-video').waitFor();

    const camToggle = boris.getByTestId('prejoin-cam-toggle');
    await waitFor(async () => !(await camToggle.isDisabled()), 'the camera is ready', 10_000);
    expect(await camToggle.getAttribute('aria-pressed')).toBe('true');
    await camToggle.click();
    expect(await camToggle.getAttribute('aria-pressed')).toBe('false');
    // The contract: fill the name, one click on join.
    await joinAs(boris, 'Boris');

    const tile = tileOf(anna, 'Boris');
    await tile.waitFor({ timeout: 20_000 });
    // His media is there (the mic is live) but the camera never was.
    await waitFor(
      async () => (await tile.getAttribute('data-mic')) === 'on',
      'Anna gets Boris mic',
      20_000,
    );
    // Absence is the point (a camera never opened): no frame within a window.
    expect(await framesRendered(anna, 'Boris', 1500)).toBe(0);
    expect(await tile.getAttribute('data-camera')).toBe('off');
    expect(await tile.getByTestId('camera-off').isVisible()).toBe(true);
    await waitFor(
      async () => (await boris.getByTestId('cam-toggle').getAttribute('aria-pressed')) === 'false',
      'Boris sees his camera off',
      10_000,
    );
    expect(await boris.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('true');

    // Turning it on in the meeting works as usual.
    await boris.getByTestId('cam-toggle').click();
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna',
      20_000,
    );
    await anna.context().close();
    await boris.context().close();
  });

  it('joining with the microphone off', async () => {
    const anna = await openRoomPage(browser, server.url, 'prejoin-mic');
    const boris = await openRoomPage(browser, server.url, 'prejoin-mic');
    await joinAs(anna, 'Анна');
    const micToggle = boris.getByTestId('prejoin-mic-toggle');
    await waitFor(async () => !(await micToggle.isDisabled()), 'the mic is ready', 10_000);
    await micToggle.click();
    await joinAs(boris, 'Boris');
    const tile = tileOf(anna, 'Boris');
    await tile.waitFor({ timeout: 20_000 });
    await waitFor(
      async () =>
        (await tile.getAttribute('data-mic')) === 'off' &&
        (await tile.getAttribute('data-camera')) === 'on',
      'Anna sees Boris muted with camera on',
      20_000,
    );
    await anna.context().close();
    await boris.context().close();
  });

  /**
   * Anna in `room`, then a page in English whose browser refuses the devices
   * as `how` says; its join screen names the problem.
   */
  async function refusedBeside(room: string, how: 'denied' | 'noCamera') {
    const anna = await openRoomPage(browser, server.url, room);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    const context = await browser.newContext({ locale: 'en-US' });
    await refuseDevices(context, how);
    const page = await context.newPage();
    await page.goto(`${server.url}/r/${room}`);
    const problem = page.getByTestId('prejoin-problem');
    await problem.waitFor({ timeout: 10_000 });
    return { anna, page, problem };
  }

  it('access refused: the join screen says so and how to fix it; joining still lets one watch and listen', async () => {
    const { anna, page: dmitri, problem } = await refusedBeside('prejoin-denied', 'denied');
    expect(await problem.getAttribute('data-problem')).toBe('denied');
    expect(await problem.textContent()).toMatch(/refused access .* site settings/);
    await joinAs(dmitri, 'Dmitri');
    await dmitri.getByTestId('notice').waitFor({ timeout: 20_000 });
    expect(await dmitri.getByTestId('notice').textContent()).toMatch(/watch and listen/);
    expect(await dmitri.getByTestId('mic-toggle').isDisabled()).toBe(true);
    expect(await dmitri.getByTestId('cam-toggle').getAttribute('aria-pressed')).toBe('false');
    // Receive-only works: he sees and hears Anna; she sees him with neither.
    await waitFor(
      async () => (await framesRendered(dmitri, 'Anna', 500)) >= 3,
      'Anna plays for Dmitri',
      20_000,
    );
    await waitFor(() => hasLiveRemoteAudio(dmitri, 'Anna'), 'Dmitri hears Anna', 20_000);
    const tile = tileOf(anna, 'Dmitri');
    await tile.getByTestId('camera-off').waitFor({ timeout: 20_000 });
    await tile.getByTestId('mic-muted').waitFor();
    await dmitri.context().close();
    await anna.context().close();
  });

  it('no camera: the join screen says only the camera is missing; the microphone still reaches the others', async () => {
    const { anna, page: elena, problem } = await refusedBeside('prejoin-nocam', 'noCamera');
    expect(await problem.getAttribute('data-problem')).toBe('noCamera');
    await joinAs(elena, 'Elena');
    await elena.getByTestId('notice').waitFor({ timeout: 20_000 });
    expect(await elena.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('true');
    const tile = tileOf(anna, 'Elena');
    await tile.getByTestId('camera-off').waitFor({ timeout: 20_000 });
    await waitFor(() => hasLiveRemoteAudio(anna, 'Elena'), 'Anna hears Elena', 20_000);
    expect(await tile.getByTestId('mic-muted').count()).toBe(0);
    await elena.context().close();
    await anna.context().close();
  });
});
