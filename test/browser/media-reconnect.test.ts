// A participant whose network drops stays in the room for the others, shown
// as reconnecting over their tile; when their network is back they resume
// the same place and their video plays again, without a page reload. The
// live region tells screen-reader users both. Only the signaling connection
// dropped, so the server keeps their media and the client keeps it too: the
// same tracks play on both sides afterwards, nothing is rebuilt.
// When it is the media that break instead (the room's SFU worker dies), the
// connection stays up, both are told to rebuild their media, and both see
// "reconnecting audio and video" until the rebuilt media play.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  framesRendered,
  joinAs,
  openRoomPage,
  remoteVideoTrack,
  watchTestId,
} from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'reconnect';

describe('a dropped connection in the browser', () => {
  const server = useTestServer({ reconnectGraceMs: 60_000 });
  const browser = useBrowser();
  let anna: Page;
  let boris: Page;
  /** Whether the media notice showed while they joined. */
  let noticeOnJoin: (() => Promise<string | undefined>)[];

  beforeAll(async () => {
    anna = await openRoomPage(browser, server.url, ROOM);
    boris = await openRoomPage(browser, server.url, ROOM);
    noticeOnJoin = await Promise.all(
      [anna, boris].map((p) => watchTestId(p, 'media-reconnecting')),
    );
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    await joinAs(boris, 'Boris');
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna',
      20_000,
    );
  });

  it('a first join shows no media notice', async () => {
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris',
      20_000,
    );
    // Absence is the point: watched from before the join until both play.
    for (const seen of noticeOnJoin) expect(await seen()).toBeUndefined();
  });

  it('others see "reconnecting" on the tile; back online, the same person plays again, with the media kept', async () => {
    const tile = anna.locator('[data-testid="tile"][data-peer-name="Boris"]');
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris',
      20_000,
    );
    const before = {
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    };
    expect(before.borisForAnna).toBeDefined();
    expect(before.annaForBoris).toBeDefined();
    await boris.context().setOffline(true);
    await tile.getByTestId('tile-reconnecting').waitFor({ timeout: 60_000 });
    expect(await tile.getAttribute('data-reconnecting')).toBe('true');
    await boris.getByTestId('reconnecting').waitFor({ timeout: 60_000 });
    // Screen-reader users hear it too.
    const announcer = anna.getByTestId('announcer');
    await waitFor(
      async () =>
        /Boris.*(lost the connection|связь потеряна)/.test((await announcer.textContent()) ?? ''),
      'the drop is announced',
    );
    // Still one tile for him: he has not left.
    expect(await anna.getByTestId('tile').count()).toBe(1);

    await boris.context().setOffline(false);
    await tile.getByTestId('tile-reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await tile.getAttribute('data-reconnecting')).toBeNull();
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays again',
      20_000,
    );
    await boris.getByTestId('reconnecting').waitFor({ state: 'detached' });
    await waitFor(
      async () => /Boris (is back|снова на связи)/.test((await announcer.textContent()) ?? ''),
      'the return is announced',
    );
    // His media was kept: he still plays Anna on the same consumer, and she
    // him on hers (his producer stayed) — no rebuild, no flicker.
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris after his return',
      20_000,
    );
    expect({
      borisForAnna: await remoteVideoTrack(anna, 'Boris'),
      annaForBoris: await remoteVideoTrack(boris, 'Anna'),
    }).toEqual(before);
  });

  it('when the media worker dies, both see the media notice until the rebuilt media play; signaling stays up', async () => {
    const pages = [anna, boris];
    const notice = await Promise.all(pages.map((p) => watchTestId(p, 'media-reconnecting')));
    const signalingBanner = await Promise.all(pages.map((p) => watchTestId(p, 'reconnecting')));
    const before = await remoteVideoTrack(anna, 'Boris');
    expect(before).toBeDefined();
    process.kill(server.sfu.workers.at(-1)!.pid, 'SIGKILL');
    for (const seen of notice) {
      await waitFor(async () => (await seen()) !== undefined, 'the media notice shows', 60_000);
      expect(await seen()).toMatch(/Reconnecting audio and video|Восстанавливаем звук и видео/);
    }
    for (const page of pages) {
      await page.getByTestId('media-reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    }
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna on rebuilt media',
      30_000,
    );
    await waitFor(
      async () => (await framesRendered(boris, 'Anna', 500)) >= 3,
      'Anna plays for Boris on rebuilt media',
      30_000,
    );
    // Rebuilt, not kept: a new consumer, so a new track.
    expect(await remoteVideoTrack(anna, 'Boris')).not.toBe(before);
    // Only the media broke: the signaling banner never showed (the notice's
    // coming and going above is the window this absence is watched over).
    for (const seen of signalingBanner) expect(await seen()).toBeUndefined();
  });
});
