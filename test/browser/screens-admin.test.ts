// The admin dashboard lists an office's rooms from the real API and follows
// the office picker; without a token it asks to sign in.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { launchChromium } from '../harness/browser.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('admin dashboard', () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
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
    db = await openPglite();
    await migrate(db);
    server = await startTestServer({ mode: 'production', adHocRooms: false, db });
    browser = await launchChromium();
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
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
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

  it('asks to sign in without a token', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/admin.html`);
    await page.getByTestId('admin-signin').waitFor();
    await page.context().close();
  });
});
