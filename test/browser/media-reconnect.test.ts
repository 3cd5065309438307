// A participant whose network drops stays in the room for the others, shown
// as reconnecting over their tile; when their network is back they resume
// the same place and their video plays again, without a page reload. The
// live region tells screen-reader users both. Only the signaling connection
// dropped, so the server keeps their media and the client keeps it too: the
// same tracks play on both sides afterwards, nothing is rebuilt.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, joinAs, openRoomPage, remoteVideoTrack } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'reconnect';

describe('a dropped connection in the browser', () => {
  const server = useTestServer({ reconnectGraceMs: 60_000 });
  const browser = useBrowser();
  let anna: Page;
  let boris: Page;

  beforeAll(async () => {
    anna = await openRoomPage(browser, server.url, ROOM);
    boris = await openRoomPage(browser, server.url, ROOM);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor();
    await joinAs(boris, 'Boris');
    await waitFor(
      async () => (await framesRendered(anna, 'Boris', 500)) >= 3,
      'Boris plays for Anna',
      20_000,
    );
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
});
