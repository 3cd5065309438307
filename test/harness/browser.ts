// Debian's Chromium driven by playwright-core, with a fake camera and
// microphone. Never downloads a browser: CHROMIUM_PATH or `chromium` on PATH.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // getDisplayMedia picks the (fake) screen without a picker.
  '--auto-select-desktop-capture-source=Entire screen',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Several meeting pages share one headless browser: keep background tabs live.
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  const configured = env['CHROMIUM_PATH'];
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium not found: run `npm run setup` or set CHROMIUM_PATH');
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags, headless: true });
}

export interface RoomPageOptions {
  /** localStorage entries set before the app loads (e.g. veche.pageSize). */
  localStorage?: Record<string, string>;
}

/**
 * Records every camera track the context's pages get, so liveCameras() can
 * tell whether the camera is still open (its light on).
 */
export async function recordCameraTracks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const tracks: MediaStreamTrack[] = [];
    (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks = tracks;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      tracks.push(...stream.getVideoTracks());
      return stream;
    };
  });
}

/**
 * Makes the context's pages get what a browser answers when access is refused
 * ('denied': the user or a policy said no, for both devices) or when there is
 * no camera ('noCamera': the microphone still works).
 */
export async function refuseDevices(
  context: BrowserContext,
  how: 'denied' | 'noCamera',
): Promise<void> {
  await context.addInitScript((refusal: 'denied' | 'noCamera') => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (refusal === 'denied') throw new DOMException('Permission denied', 'NotAllowedError');
      if (constraints?.video) throw new DOMException('Requested device not found', 'NotFoundError');
      return original(constraints);
    };
  }, how);
}

/** How many camera tracks of the page are live (see recordCameraTracks). */
export function liveCameras(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks.filter(
        (t) => t.readyState === 'live',
      ).length,
  );
}

/** Opens a room page in a fresh browser context (its own camera, cookies, storage). */
export async function openRoomPage(
  browser: Browser,
  baseUrl: string,
  room: string,
  options: RoomPageOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await recordCameraTracks(context);
  if (options.localStorage) {
    await context.addInitScript((entries: Record<string, string>) => {
      for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
    }, options.localStorage);
  }
  const page = await context.newPage();
  await page.goto(`${baseUrl}/r/${encodeURIComponent(room)}`);
  return page;
}

export async function joinAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('display-name').fill(name);
  await page.getByTestId('join').click();
}

/** Frames the remote <video> of `peerName`'s tile renders during `ms` (requestVideoFrameCallback). */
export function framesRendered(page: Page, peerName: string, ms: number): Promise<number> {
  return framesOf(
    page,
    `[data-testid="tile"][data-peer-name=${JSON.stringify(peerName)}] video[data-testid="remote-video"]`,
    ms,
  );
}

/** Whether `peerName`'s tile has a live remote audio track in a playing media element. */
export function hasLiveRemoteAudio(page: Page, peerName: string): Promise<boolean> {
  return page.evaluate((name) => {
    const tile = [...document.querySelectorAll('[data-testid="tile"]')].find(
      (el) => el.getAttribute('data-peer-name') === name,
    );
    if (!tile) return false;
    const elements = [...tile.querySelectorAll<HTMLMediaElement>('audio, video')];
    return elements.some((el) => {
      const stream = el.srcObject;
      if (!(stream instanceof MediaStream)) return false;
      return !el.paused && stream.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted);
    });
  }, peerName);
}

/** Frames the first <video> matching `selector` renders during `ms` (0 when there is none). */
export function framesOf(page: Page, selector: string, ms: number): Promise<number> {
  return page.evaluate(
    ({ selector, ms }) =>
      new Promise<number>((resolve) => {
        const video = document.querySelector<HTMLVideoElement>(selector);
        if (!video) {
          resolve(0);
          return;
        }
        let frames = 0;
        const onFrame = () => {
          frames += 1;
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
        setTimeout(() => resolve(frames), ms);
      }),
    { selector, ms },
  );
}

/** The id of the video track playing on `peerName`'s tile (a rebuilt consumer has a new one). */
export function remoteVideoTrack(page: Page, peerName: string): Promise<string | undefined> {
  return page.evaluate((name) => {
    const tile = document.querySelector(`[data-testid="tile"][data-peer-name="${name}"]`);
    const video = tile?.querySelector('video[data-testid="remote-video"]');
    const stream = video instanceof HTMLVideoElement ? video.srcObject : null;
    return stream instanceof MediaStream ? stream.getVideoTracks()[0]?.id : undefined;
  }, peerName);
}

/**
 * Starts noting the first appearance of an element with this test id, however
 * briefly it stays (a MutationObserver sees every render). The returned
 * function gives its text then, or undefined while it has not appeared.
 */
export async function watchTestId(
  page: Page,
  testId: string,
): Promise<() => Promise<string | undefined>> {
  const key = `veche-test-seen:${testId}`;
  await page.evaluate(
    ({ testId, key }) => {
      const seen = window as unknown as Record<string, string | undefined>;
      const look = () => {
        const element = document.querySelector(`[data-testid="${testId}"]`);
        if (element) seen[key] = element.textContent ?? '';
        return element !== null;
      };
      if (look()) return;
      new MutationObserver((_, observer) => {
        if (look()) observer.disconnect();
      }).observe(document.body, { childList: true, subtree: true });
    },
    { testId, key },
  );
  return () =>
    page.evaluate((key) => (window as unknown as Record<string, string | undefined>)[key], key);
}
