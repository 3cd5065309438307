// The admin dashboard lists an office's rooms from the real API and follows
// the office picker; it shows the cluster's SFU nodes with their workers and
// load (drain toggle), the SFU workers (drain toggle) and the live rooms with
// their participants and each one's media node (end for everyone); without a
// token it asks to sign in.
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser, useClients, useDatabase, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

describe('admin dashboard', () => {
  const db = useDatabase();
  const server = useTestServer({ mode: 'production', adHocRooms: false, db, workers: 2 });
  const browser = useBrowser();
  const connect = useClients(server);
  let token: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
  };

  beforeAll(async () => {
    token = await server.staffToken({ sub: 'root', name: 'Админ', office: 'gov-a', role: 'admin' });
    await api('PUT', '/api/offices/gov-a', { name: 'Governor A' });
    await api('PUT', '/api/offices/gov-b', { name: 'Governor B' });
    await api('POST', '/api/rooms', { slug: 'hall-a', name: 'Hall A', capacity: 30, lobby: true });
    await api('POST', '/api/rooms', {
      slug: 'hall-b',
      name: 'Hall B',
      capacity: 8,
      officeId: 'gov-b',
    });
  });

  it("shows each office's rooms", async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/admin.html#token=${token}`);
    await page.getByTestId('admin-dashboard').waitFor();
    const rooms = page.getByTestId('admin-room');
    await rooms.first().waitFor();
    expect(await rooms.evaluateAll((els) => els.map((e) => e.getAttribute('data-room')))).toEqual([
      'hall-a',
    ]);
    expect(await rooms.first().textContent()).toContain('lobby');
    await page.getByTestId('admin-office-select').selectOption('gov-b');
    await page.locator('[data-testid="admin-room"][data-room="hall-b"]').waitFor();
    expect(await rooms.count()).toBe(1);
    await page.getByTestId('admin-meetings').waitFor();
    await page.context().close();
  });

  it('shows a live room with its participants and ends it for everyone', async () => {
    const join = async (sub: string, name: string) => {
      const c = await connect({
        auth: { token: await server.staffToken({ sub, name, office: 'gov-b' }) },
      });
      await c.join('hall-b', name);
      return c;
    };
    const boris = await join('boris', 'Борис Орлов');
    const vera = await join('vera', 'Вера Ким');

    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/admin.html#token=${token}`);
    const row = page.locator('[data-testid="admin-live-room"][data-room="hall-b"]');
    await row.waitFor();
    const people = row.getByTestId('admin-live-participant');
    await waitFor(async () => (await people.count()) === 2, 'both participants listed');
    const names = await people.allTextContents();
    expect(names.some((n) => n.includes('Борис Орлов'))).toBe(true);
    expect(names.some((n) => n.includes('Вера Ким'))).toBe(true);
    // Each participant's media node is shown.
    expect(
      await row
        .getByTestId('admin-live-node')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-node'))),
    ).toEqual(['embedded', 'embedded']);
    expect(names.every((n) => n.includes('media: embedded'))).toBe(true);

    // A confirm step: cancel keeps the meeting, confirm ends it.
    await row.getByTestId('admin-close-room').click();
    await row.getByTestId('admin-close-cancel').click();
    await row.getByTestId('admin-close-room').click();
    await row.getByTestId('admin-close-confirm').click();
    expect(await boris.next('removed')).toEqual({ reason: 'meetingEnded' });
    expect(await vera.next('removed')).toEqual({ reason: 'meetingEnded' });
    await row.waitFor({ state: 'detached' });
    expect((await server.sfu.sfu.call('inspectRoom', { roomId: 'hall-b' })).exists).toBe(false);
    expect(await page.getByTestId('admin-live-status').textContent()).toContain('hall-b');
    await page.context().close();
  });

  it('lists the SFU nodes with workers and load, and drains and undrains one (RU)', async () => {
    const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
    await page.goto(`${server.url}/admin.html#token=${token}`);
    const node = page.locator('[data-testid="admin-node"][data-node="embedded"]');
    await node.waitFor();
    expect(await page.locator('#admin-nodes-title').textContent()).toBe('Медиасерверы кластера');
    expect(await node.getAttribute('data-state')).toBe('SERVING');
    expect(
      await node
        .getByTestId('admin-node-worker')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-index'))),
    ).toEqual(['0', '1']);
    expect(await node.getByTestId('admin-node-load').textContent()).toMatch(
      /комнат: \d+ · участников: \d+ · потоков: \d+/,
    );

    const state = async () => (await server.sfu.sfu.call('getLoad', {})).state;
    await node.getByTestId('admin-node-drain').click();
    await page.locator('[data-testid="admin-node"][data-state="DRAINING"]').waitFor();
    expect(await state()).toBe('DRAINING');
    expect(await node.getByTestId('admin-node-drain').textContent()).toBe('Снова размещать');
    await node.getByTestId('admin-node-drain').click();
    await page.locator('[data-testid="admin-node"][data-state="SERVING"]').waitFor();
    expect(await state()).toBe('SERVING');
    await page.context().close();
  });

  it('drain toggles a worker', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/admin.html#token=${token}`);
    const workers = page.getByTestId('admin-worker');
    await workers.first().waitFor();
    expect(
      await workers.evaluateAll((els) => els.map((e) => e.getAttribute('data-index'))),
    ).toEqual(['0', '1']);
    const drain = page.locator(
      '[data-testid="admin-worker"][data-index="1"] [data-testid="admin-drain"]',
    );
    expect(await drain.getAttribute('aria-pressed')).toBe('false');
    await drain.click();
    await page
      .locator(
        '[data-testid="admin-worker"][data-index="1"] [data-testid="admin-drain"][aria-pressed="true"]',
      )
      .waitFor();
    const draining = async () =>
      (await server.sfu.sfu.call('getLoad', {})).workers.map((w) => w.draining);
    expect(await draining()).toEqual([false, true]);
    await drain.click();
    await page
      .locator(
        '[data-testid="admin-worker"][data-index="1"] [data-testid="admin-drain"][aria-pressed="false"]',
      )
      .waitFor();
    expect(await draining()).toEqual([false, false]);
    await page.context().close();
  });

  it('asks to sign in without a token', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/admin.html`);
    await page.getByTestId('admin-signin').waitFor();
    await page.context().close();
  });
});
