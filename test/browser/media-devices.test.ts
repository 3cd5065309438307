// During a call: keyboard shortcuts toggle the microphone and camera (and say
// so in the button titles), another microphone or camera replaces the track
// under the same producer, and each remote tile shows its connection quality.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  framesRendered,
  hasLiveRemoteAudio,
  joinAs,
  launchChromium,
  openRoomPage,
} from '../harness/browser.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'devices';

describe('devices, shortcuts and quality in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: Page;
  let boris: Page;
  const borisTile = () => anna.locator('[data-testid="tile"][data-peer-name="Boris"]');

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    anna = await openRoomPage(browser, server.url, ROOM);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    boris = await openRoomPage(browser, server.url, ROOM);
    await joinAs(boris, 'Boris');
    await borisTile().getByTestId('remote-video').waitFor({ timeout: 20_000 });
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Anna sees Boris',
      20_000,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Ctrl+D and Ctrl+E toggle the microphone and camera; titles name the keys', async () => {
    expect(await boris.getByTestId('mic-toggle').getAttribute('title')).toContain('Ctrl+D');
    expect(await boris.getByTestId('cam-toggle').getAttribute('title')).toContain('Ctrl+E');
    expect(await boris.getByTestId('leave').getAttribute('title')).toContain('Ctrl+Shift+L');

    await boris.keyboard.press('Control+d');
    await waitFor(
      async () => (await borisTile().getAttribute('data-mic')) === 'off',
      'Anna sees Boris muted',
    );
    expect(await boris.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('false');
    await boris.keyboard.press('Control+d');
    await waitFor(async () => (await borisTile().getAttribute('data-mic')) === 'on', 'unmuted');

    await boris.keyboard.press('Control+e');
    await waitFor(
      async () => (await borisTile().getAttribute('data-camera')) === 'off',
      'camera off for Anna',
    );
    await boris.keyboard.press('Control+e');
    await waitFor(
      async () => (await borisTile().getAttribute('data-camera')) === 'on',
      'camera on for Anna',
    );
  });

  it('each remote tile shows its connection quality', async () => {
    await waitFor(
      async () => (await borisTile().getAttribute('data-quality')) === 'good',
      'a local connection is good',
      15_000,
    );
  });

  it('switching the microphone keeps the same producer and Anna still hears Boris', async () => {
    const select = boris.getByTestId('mic-select');
    await select.waitFor();
    const options = await select
      .locator('option')
      .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThan(1);
    const current = await select.inputValue();
    const other = options.find((id) => id !== current)!;
    const before = await server.sfu.sfu.call('inspectRoom', { roomId: ROOM });

    await select.selectOption(other);
    await waitFor(
      async () => (await select.inputValue()) === other,
      'the new microphone is in use',
    );
    const after = await server.sfu.sfu.call('inspectRoom', { roomId: ROOM });
    expect(after.producers).toBe(before.producers);
    await waitFor(() => hasLiveRemoteAudio(anna, 'Boris'), 'Anna hears Boris', 10_000);
    expect(await boris.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('true');
  });

  it('Ctrl+Shift+L leaves the meeting', async () => {
    await boris.keyboard.press('Control+Shift+L');
    await borisTile().waitFor({ state: 'detached', timeout: 20_000 });
  });
});
