// The host's controls in the participants panel, as the people in the room
// see their effect: promoting a co-host, stopping someone's video (their
// camera is let go), locking the room against a newcomer, muting everyone,
// removing a participant (who may return) and banning one (who may not), and
// ending the meeting for all.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { joinAs, liveCameras, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const ROOM = 'moderation-ui';

const tileOf = (page: Page, name: string) =>
  page.locator(`[data-testid="tile"][data-peer-name="${name}"]`);
const rowOf = (page: Page, name: string) =>
  page.locator(`[data-testid="participant"][data-peer-name="${name}"]`);

describe("the host's controls in the browser", () => {
  const server = useTestServer();
  const browser = useBrowser();
  let anna: Page;
  let boris: Page;
  let vera: Page;

  /** Opens `name`'s menu in Anna's participants panel and picks an action (confirming it). */
  async function act(name: string, action: string, confirm = false): Promise<void> {
    await rowOf(anna, name).getByTestId('participant-menu').click();
    await anna.getByTestId('participant-actions').getByTestId(action).click();
    if (confirm) await anna.getByTestId(`${action}-confirm`).click();
  }

  /** Vera's page opened afresh with her staff token (read from the fragment once). */
  async function openAsVera(): Promise<void> {
    const token = await server.staffToken({ sub: 'vera', name: 'Vera' });
    await vera.goto('about:blank');
    await vera.goto(`${server.url}/r/${ROOM}#token=${token}`);
  }

  beforeAll(async () => {
    anna = await openRoomPage(browser, server.url, ROOM);
    await joinAs(anna, 'Anna');
    await anna.getByTestId('local-video').waitFor({ timeout: 20_000 });
    boris = await openRoomPage(browser, server.url, ROOM);
    await joinAs(boris, 'Boris');
    // Vera signs in as staff: a ban holds a person (her token's subject),
    // which an anonymous visitor of an ad-hoc room does not have.
    vera = await openRoomPage(browser, server.url, ROOM);
    await openAsVera();
    await joinAs(vera, 'Vera');
    await tileOf(anna, 'Vera').waitFor({ timeout: 20_000 });
    await tileOf(anna, 'Boris').waitFor({ timeout: 20_000 });
    await anna.getByTestId('participants-toggle').click();
    await anna.getByTestId('participants').waitFor();
  });

  it('promoting Boris makes him a co-host for everyone, with the room controls', async () => {
    await act('Boris', 'action-make-cohost');
    await boris
      .getByTestId('self-view')
      .locator('[data-testid="role-badge"][data-role="cohost"]')
      .waitFor();
    await tileOf(vera, 'Boris').locator('[data-testid="role-badge"][data-role="cohost"]').waitFor();
    await boris.getByTestId('participants-toggle').click();
    await boris.getByTestId('room-controls').waitFor();
    expect(await boris.getByTestId('lock-toggle').count()).toBe(1);
  });

  it("stopping Vera's video turns her camera off, lets the device go, and tells her", async () => {
    expect(await liveCameras(vera)).toBe(1);
    await act('Vera', 'action-stop-video');
    await vera.locator('[data-testid="toast"][data-kind="mutedByHost"]').waitFor();
    await waitFor(
      async () => (await vera.getByTestId('cam-toggle').getAttribute('aria-pressed')) === 'false',
      'her camera button shows off',
    );
    await waitFor(async () => (await liveCameras(vera)) === 0, 'her camera is let go');
    await tileOf(anna, 'Vera').getByTestId('camera-off').waitFor();
    await tileOf(boris, 'Vera').getByTestId('camera-off').waitFor();
  });

  it('a locked room turns a newcomer away; unlocked, the newcomer gets in', async () => {
    await anna.getByTestId('lock-toggle').click();
    await vera.getByTestId('room-locked').waitFor();
    const dora = await openRoomPage(browser, server.url, ROOM);
    await joinAs(dora, 'Dora');
    const error = dora.getByTestId('join-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-code')).toBe('ROOM_LOCKED');

    await anna.getByTestId('lock-toggle').click();
    await vera.getByTestId('room-locked').waitFor({ state: 'detached' });
    await dora.getByTestId('join').click();
    await dora.getByTestId('local-video').waitFor({ timeout: 20_000 });
    await tileOf(anna, 'Dora').waitFor({ timeout: 20_000 });
    await dora.getByTestId('leave').click();
    await tileOf(anna, 'Dora').waitFor({ state: 'detached', timeout: 20_000 });
    await dora.context().close();
  });

  it("muting everyone silences the participants' microphones but not the host's", async () => {
    await anna.getByTestId('mute-all').click();
    await waitFor(
      async () => (await vera.getByTestId('mic-toggle').getAttribute('aria-pressed')) === 'false',
      "Vera's microphone is off",
    );
    await tileOf(boris, 'Vera').getByTestId('mic-muted').waitFor();
    expect(await anna.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('true');
  });

  it('removing Vera shows her why and she may come back; a ban (confirmed first) keeps her out', async () => {
    await act('Vera', 'action-remove');
    const removed = vera.getByTestId('removed-screen');
    await removed.waitFor({ timeout: 20_000 });
    expect(await removed.getAttribute('data-reason')).toBe('removed');
    await tileOf(anna, 'Vera').waitFor({ state: 'detached', timeout: 20_000 });
    await tileOf(boris, 'Vera').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await liveCameras(vera)).toBe(0);

    // Removed is not banned: she joins again.
    await openAsVera();
    await joinAs(vera, 'Vera');
    await vera.getByTestId('local-video').waitFor({ timeout: 20_000 });
    await tileOf(anna, 'Vera').waitFor({ timeout: 20_000 });

    await act('Vera', 'action-ban', true);
    const banned = vera.getByTestId('removed-screen');
    await banned.waitFor({ timeout: 20_000 });
    expect(await banned.getAttribute('data-reason')).toBe('banned');
    await openAsVera();
    await joinAs(vera, 'Vera');
    const error = vera.getByTestId('join-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-code')).toBe('BANNED');
  });

  it('ending the meeting for all sends everyone else to the ended screen', async () => {
    await anna.getByTestId('end-meeting').click();
    await anna.getByTestId('end-meeting-confirm').click();
    const ended = boris.getByTestId('removed-screen');
    await ended.waitFor({ timeout: 20_000 });
    expect(await ended.getAttribute('data-reason')).toBe('meetingEnded');
    await waitFor(
      async () => !(await server.sfu.sfu.call('inspectRoom', { roomId: ROOM })).exists,
      'the media room is closed',
    );
  });
});
