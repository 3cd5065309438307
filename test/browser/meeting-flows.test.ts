// Meeting flows with three people in one room (and a fourth at the lobby),
// driven through the real UI: everyone sees the two others playing; the host
// mutes someone and their sound stops reaching the others (silence measured in
// the pages, consumers paused on the server); public and private chat; hands
// in the order they were raised; lobby admission; the page-size picker; and
// the camera turned off before joining really stops. One room and one set of
// pages serve the meeting tests.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  framesOf,
  framesRendered,
  joinAs,
  liveCameras,
  openRoomPage,
  recordCameraTracks,
} from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'flows';
const NAMES = ['Anna', 'Boris', 'Vera'] as const;
type Name = (typeof NAMES)[number];

const tileOf = (page: Page, name: string) =>
  page.locator(`[data-testid="tile"][data-peer-name="${name}"]`);
const rowOf = (page: Page, name: string) =>
  page.locator(`[data-testid="participant"][data-peer-name="${name}"]`);

/**
 * The loudest RMS level (0–1) of `name`'s remote audio on `page` during `ms`,
 * measured by a WebAudio analyser on the track of the tile's <audio> element.
 * Chromium's fake microphone beeps, so a live mic is clearly above silence.
 */
function peakAudioLevel(page: Page, name: string, ms: number): Promise<number> {
  return page.evaluate(
    ({ name, ms }) =>
      new Promise<number>((resolve, reject) => {
        const tile = [...document.querySelectorAll('[data-testid="tile"]')].find(
          (el) => el.getAttribute('data-peer-name') === name,
        );
        const stream = tile?.querySelector('audio')?.srcObject;
        const track = stream instanceof MediaStream ? stream.getAudioTracks()[0] : undefined;
        if (!track) {
          resolve(0);
          return;
        }
        const context = new AudioContext();
        void context.resume();
        const source = context.createMediaStreamSource(new MediaStream([track]));
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        source.connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        let peak = 0;
        const timer = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const v of samples) sum += v * v;
          peak = Math.max(peak, Math.sqrt(sum / samples.length));
        }, 20);
        setTimeout(() => {
          clearInterval(timer);
          source.disconnect();
          context.close().then(() => resolve(peak), reject);
        }, ms);
      }),
    { name, ms },
  );
}

describe('meeting flows with three people', () => {
  const server = useTestServer();
  const browser = useBrowser();
  const pages = {} as Record<Name, Page>;
  let anna: Page;

  const openPanel = async (page: Page, toggle: 'participants-toggle' | 'chat-toggle') => {
    const button = page.getByTestId(toggle);
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
    await page.getByTestId(toggle === 'chat-toggle' ? 'chat' : 'participants').waitFor();
  };

  beforeAll(async () => {
    for (const name of NAMES) {
      const page = await openRoomPage(browser, server.url, ROOM);
      await joinAs(page, name);
      // Joining in order makes Anna, the first, the host (embedded mode).
      await page.getByTestId('local-video').waitFor({ timeout: 20_000 });
      pages[name] = page;
    }
    anna = pages.Anna;
  });

  it('each of three people sees the two others playing', async () => {
    for (const name of NAMES) {
      const page = pages[name];
      for (const other of NAMES.filter((n) => n !== name)) {
        await tileOf(page, other).getByTestId('remote-video').waitFor({ timeout: 20_000 });
        await waitFor(
          async () => (await framesRendered(page, other, 500)) >= 3,
          `${other} plays for ${name}`,
          20_000,
        );
      }
      expect(await page.getByTestId('tile').count()).toBe(2);
      expect((await page.getByTestId('participant-count').textContent())?.trim()).toBe('3');
    }
    expect(await anna.getByTestId('self-view').getAttribute('data-role')).toBe('host');
  });

  it('the host mutes Boris: his button shows it and his sound stops for the others', async () => {
    const listeners = [anna, pages.Vera];
    // Before: the fake microphone's beep is heard on both other pages.
    for (const page of listeners) {
      await waitFor(
        async () => (await peakAudioLevel(page, 'Boris', 1200)) > 0.01,
        'Boris audible before the mute',
        20_000,
      );
    }
    const consumerIds = await Promise.all(
      listeners.map(async (page) => {
        const audio = tileOf(page, 'Boris').locator('audio');
        await waitFor(async () => !!(await audio.getAttribute('data-consumer-id')), 'audio id');
        return (await audio.getAttribute('data-consumer-id'))!;
      }),
    );
    for (const consumerId of consumerIds) {
      expect(
        await server.sfu.sfu.call('inspectConsumer', { roomId: ROOM, consumerId }),
      ).toMatchObject({ kind: 'audio', producerPaused: false });
    }

    await openPanel(anna, 'participants-toggle');
    await rowOf(anna, 'Boris').getByTestId('participant-menu').click();
    await anna.getByTestId('participant-actions').getByTestId('action-mute').click();

    const boris = pages.Boris;
    await waitFor(
      async () => (await boris.getByTestId('mic-toggle').getAttribute('aria-pressed')) === 'false',
      'Boris sees his mic off',
    );
    await boris.locator('[data-testid="toast"][data-kind="mutedByHost"]').waitFor();
    for (const consumerId of consumerIds) {
      await waitFor(
        async () =>
          (await server.sfu.sfu.call('inspectConsumer', { roomId: ROOM, consumerId }))
            .producerPaused,
        'Boris paused for the listener on the server',
      );
    }
    for (const page of listeners) {
      await tileOf(page, 'Boris').getByTestId('mic-muted').waitFor();
      // Absence is the point (the mute stops the sound): silent throughout a window.
      await waitFor(
        async () => (await peakAudioLevel(page, 'Boris', 1200)) < 0.001,
        'Boris silent after the mute',
        10_000,
      );
    }
    // Anna's own sound still reaches Vera: only Boris went quiet.
    expect(await peakAudioLevel(pages.Vera, 'Anna', 1200)).toBeGreaterThan(0.01);
  });

  it('a public message reaches everyone; a private one only its recipient', async () => {
    for (const name of NAMES) await openPanel(pages[name], 'chat-toggle');
    const vera = pages.Vera;
    await vera.getByTestId('chat-input').fill('Всем привет');
    await vera.getByTestId('chat-send').click();
    for (const name of NAMES) {
      await pages[name]
        .locator('[data-testid="chat-message"][data-from="Vera"]', { hasText: 'Всем привет' })
        .waitFor();
    }

    const recipient = vera.getByTestId('chat-recipient');
    const borisId = await recipient.locator('option', { hasText: 'Boris' }).getAttribute('value');
    await recipient.selectOption(borisId!);
    await vera.getByTestId('chat-input').fill('secret for Boris');
    await vera.getByTestId('chat-send').click();
    const secret = (page: Page) =>
      page.locator('[data-testid="chat-message"]', { hasText: 'secret for Boris' });
    await secret(pages.Boris).waitFor();
    expect(await secret(pages.Boris).getAttribute('data-private')).toBe('true');
    await secret(vera).waitFor();
    // A later public message reaches Anna, so the private one had its chance.
    await recipient.selectOption('');
    await vera.getByTestId('chat-input').fill('after the secret');
    await vera.getByTestId('chat-send').click();
    await anna.locator('[data-testid="chat-message"]', { hasText: 'after the secret' }).waitFor();
    expect(await secret(anna).count()).toBe(0);
  });

  it('raised hands are listed in the order they were raised', async () => {
    await openPanel(anna, 'participants-toggle');
    await pages.Vera.getByTestId('hand-toggle').click();
    await waitFor(
      async () => (await rowOf(anna, 'Vera').getAttribute('data-hand')) === '1',
      'Vera first in the queue',
    );
    await pages.Boris.getByTestId('hand-toggle').click();
    await waitFor(
      async () => (await rowOf(anna, 'Boris').getAttribute('data-hand')) === '2',
      'Boris second in the queue',
    );
    const rows = anna.getByTestId('participant');
    expect(await rows.nth(0).getAttribute('data-peer-name')).toBe('Vera');
    expect(await rows.nth(1).getAttribute('data-peer-name')).toBe('Boris');
    expect(await pages.Boris.getByTestId('hand-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await tileOf(anna, 'Vera').getAttribute('data-hand')).toBe('1');
  });

  it('with the lobby on, a newcomer waits until the host admits them', async () => {
    await openPanel(anna, 'participants-toggle');
    await anna.getByTestId('lobby-toggle').click();
    await waitFor(
      async () => (await anna.getByTestId('lobby-toggle').getAttribute('aria-pressed')) === 'true',
      'lobby on',
    );
    const gleb = await openRoomPage(browser, server.url, ROOM);
    await joinAs(gleb, 'Gleb');
    await gleb.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    expect(await gleb.getByTestId('local-video').count()).toBe(0);

    const entry = anna.locator('[data-testid="lobby-entry"][data-peer-name="Gleb"]');
    await entry.waitFor();
    expect(await tileOf(anna, 'Gleb').count()).toBe(0);
    await entry.getByTestId('admit').click();

    await gleb.getByTestId('local-video').waitFor({ timeout: 20_000 });
    expect(await gleb.getByTestId('lobby-waiting').count()).toBe(0);
    await tileOf(anna, 'Gleb').waitFor({ timeout: 20_000 });
    await entry.waitFor({ state: 'detached' });
    await waitFor(
      async () => (await gleb.getByTestId('participant-count').textContent())?.trim() === '4',
      'Gleb counts four in the room',
      20_000,
    );
  });

  it('the page size picker changes how many tiles a page holds and is remembered', async () => {
    const picker = anna.getByTestId('page-size');
    expect(await picker.inputValue()).toBe('9');
    await picker.selectOption('4');
    expect(await anna.evaluate(() => localStorage.getItem('veche.pageSize'))).toBe('4');
    // Three others fit on a page of four.
    expect(await anna.getByTestId('tile').count()).toBe(3);
    expect(await anna.getByTestId('pager').count()).toBe(0);
    await picker.selectOption('25');
    expect(await picker.inputValue()).toBe('25');
    expect(await anna.evaluate(() => localStorage.getItem('veche.pageSize'))).toBe('25');
  });

  it('turning the camera off before joining stops it; on again asks for it again', async () => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    await recordCameraTracks(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/r/flows-camera`);
    const toggle = page.getByTestId('prejoin-cam-toggle');
    await waitFor(async () => !(await toggle.isDisabled()), 'the camera is ready', 10_000);
    expect(await liveCameras(page)).toBe(1);

    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await waitFor(async () => (await liveCameras(page)) === 0, 'camera stopped while off');
    expect(await toggle.isDisabled()).toBe(false);

    await toggle.click();
    await waitFor(async () => (await liveCameras(page)) === 1, 'camera asked again');
    await waitFor(
      async () => (await framesOf(page, '[data-testid="prejoin-preview"]', 500)) >= 3,
      'preview plays again',
    );

    // Joining with it off: the meeting can still turn it on.
    await toggle.click();
    await waitFor(async () => (await liveCameras(page)) === 0, 'camera stopped again');
    await joinAs(page, 'Dana');
    await page.getByTestId('local-video').waitFor({ timeout: 20_000 });
    const camToggle = page.getByTestId('cam-toggle');
    await waitFor(
      async () => (await camToggle.getAttribute('aria-pressed')) === 'false',
      'camera off in the meeting',
      10_000,
    );
    // Joined with it off: the meeting has not opened the camera either.
    expect(await liveCameras(page)).toBe(0);
    await camToggle.click();
    await waitFor(
      async () => (await camToggle.getAttribute('aria-pressed')) === 'true',
      'camera on in the meeting',
    );
    await waitFor(async () => (await liveCameras(page)) === 1, 'camera opened in the meeting');
    await waitFor(
      async () => (await framesOf(page, '[data-testid="local-video"]', 500)) >= 3,
      'own camera plays in the meeting',
      10_000,
    );
    await context.close();
  });
});
