// During a call: keyboard shortcuts toggle the microphone and camera (and say
// so in the button titles), holding Space talks while muted, another
// microphone or camera replaces the track under the same producer, the chosen
// speakers play every voice, and each remote tile shows its connection
// quality.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, hasLiveRemoteAudio, joinAs, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'devices';

describe('devices, shortcuts and quality in the browser', () => {
  const server = useTestServer();
  const browser = useBrowser();
  let anna: Page;
  let boris: Page;
  const borisTile = () => anna.locator('[data-testid="tile"][data-peer-name="Boris"]');

  beforeAll(async () => {
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

  it('holding Space while muted lets Boris talk until he lets go; in the chat box Space is a space', async () => {
    const micFor = (state: 'on' | 'off', what: string) =>
      waitFor(async () => (await borisTile().getAttribute('data-mic')) === state, what);
    const micToggle = boris.getByTestId('mic-toggle');
    await boris.keyboard.press('Control+d');
    await micFor('off', 'Anna sees Boris muted');
    await boris.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    await boris.keyboard.down('Space');
    await micFor('on', 'Anna sees Boris talking while Space is held');
    expect(await micToggle.getAttribute('aria-pressed')).toBe('true');
    await boris.keyboard.up('Space');
    await micFor('off', 'muted again once Space comes up');
    expect(await micToggle.getAttribute('aria-pressed')).toBe('false');

    await boris.getByTestId('chat-toggle').click();
    const input = boris.getByTestId('chat-input');
    await input.click();
    await boris.keyboard.type('a b');
    expect(await input.inputValue()).toBe('a b');
    expect(await micToggle.getAttribute('aria-pressed')).toBe('false');
    await input.fill('');
    await boris.getByTestId('chat-toggle').click();
    await boris.keyboard.press('Control+d');
    await micFor('on', 'unmuted');
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

  it('the speakers picked on the join screen play the meeting, can be switched mid-call and are remembered', async () => {
    const vera = await openRoomPage(browser, server.url, ROOM);
    const optionsOf = (select: ReturnType<Page['getByTestId']>) =>
      select
        .locator('option')
        .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    const sinks = () =>
      vera.evaluate(() => [...document.querySelectorAll('audio')].map((el) => el.sinkId));

    const prejoinSelect = vera.getByTestId('prejoin-speaker-select');
    await prejoinSelect.waitFor({ timeout: 10_000 });
    const outputs = await optionsOf(prejoinSelect);
    expect(outputs.length).toBeGreaterThan(1);
    const headset = outputs.at(-1)!;
    await prejoinSelect.selectOption(headset);

    await joinAs(vera, 'Vera');
    const hearsBoth = async () =>
      (await hasLiveRemoteAudio(vera, 'Anna')) && (await hasLiveRemoteAudio(vera, 'Boris'));
    await waitFor(hearsBoth, 'Vera hears Anna and Boris', 20_000);
    const select = vera.getByTestId('speaker-select');
    expect(await select.inputValue()).toBe(headset);
    let shown = await sinks();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown.every((id) => id === headset)).toBe(true);

    const speakers = outputs.find((id) => id !== headset && id !== 'default') ?? outputs[0]!;
    await select.selectOption(speakers);
    await waitFor(
      async () => (await sinks()).every((id) => id === speakers),
      'every voice moves to the other speakers',
      10_000,
    );
    shown = await sinks();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(await hearsBoth()).toBe(true);

    await vera.reload();
    await vera.getByTestId('prejoin-speaker-select').waitFor({ timeout: 10_000 });
    expect(await vera.getByTestId('prejoin-speaker-select').inputValue()).toBe(speakers);
    await vera.context().close();
  });

  it('on a 1024 px wide window every control of the bar is on screen, in one row', async () => {
    const before = boris.viewportSize();
    await boris.setViewportSize({ width: 1024, height: 700 });
    const boxes = await boris
      .locator('nav.controls > *, nav.controls .device-picker > *')
      .evaluateAll((els) =>
        els
          .filter((el) => !el.classList.contains('device-picker'))
          .map((el) => {
            const r = el.getBoundingClientRect();
            return { left: r.left, right: r.right, middle: r.top + r.height / 2 };
          }),
      );
    if (before) await boris.setViewportSize(before);
    expect(boxes.length).toBeGreaterThanOrEqual(12);
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(1024);
    }
    expect(new Set(boxes.map((b) => Math.round(b.middle))).size, JSON.stringify(boxes)).toBe(1);
  });

  it('Ctrl+Shift+L leaves the meeting', async () => {
    await boris.keyboard.press('Control+Shift+L');
    await borisTile().waitFor({ state: 'detached', timeout: 20_000 });
  });
});
