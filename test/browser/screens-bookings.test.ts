// The bookings calendar against the real API (PGlite): a booking made in the
// calendar is in the API, one made through the API is in the calendar, a
// collision shows the server's 409 in place, a series and a cancellation
// round-trip, and without a token the page says to sign in.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser, useDatabase, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const alice = { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a' };

/** Monday 00:00 local of next week: bookings there are in the future and in one week view. */
function nextMonday(): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + 7);
  return d;
}
const at = (day: Date, plusDays: number, hour: number) => {
  const d = new Date(day);
  d.setDate(d.getDate() + plusDays);
  d.setHours(hour, 0, 0, 0);
  return d;
};
const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

describe('bookings calendar', () => {
  const db = useDatabase();
  const server = useTestServer({ mode: 'production', adHocRooms: false, db });
  const browser = useBrowser();
  let token: string;
  const monday = nextMonday();

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const occurrences = async () => {
    const q = new URLSearchParams({
      officeId: 'gov-a',
      from: at(monday, -7, 0).toISOString(),
      to: at(monday, 21, 0).toISOString(),
    });
    const { body } = await api('GET', `/api/bookings?${q}`);
    return body['occurrences'] as { bookingId: string; title: string; start: string }[];
  };
  const openCalendar = async (): Promise<Page> => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/bookings.html#token=${token}`);
    await page.getByTestId('bookings-week').waitFor();
    await page.getByTestId('bookings-next').click();
    return page;
  };

  beforeAll(async () => {
    token = await server.staffToken(alice);
    for (const [slug, name] of [
      ['council', 'Council hall'],
      ['small-room', 'Small room'],
    ]) {
      const created = await api('POST', '/api/rooms', { slug, name, capacity: 10 });
      expect(created.status).toBe(201);
    }
  });

  it('a booking made through the API shows in the calendar; one made in the calendar is in the API', async () => {
    const viaApi = await api('POST', '/api/bookings', {
      room: 'council',
      title: 'Budget review',
      start: at(monday, 2, 10).toISOString(),
      end: at(monday, 2, 11).toISOString(),
      timeZone: 'Europe/Moscow',
    });
    expect(viaApi.status).toBe(201);
    const page = await openCalendar();
    const item = page.locator(
      `[data-testid="booking-item"][data-booking-id="${String(viaApi.body['id'])}"]`,
    );
    await item.waitFor();
    expect(await item.textContent()).toContain('Budget review');
    expect(await item.textContent()).toContain('Council hall');

    await page.getByTestId('booking-new').click();
    await page.getByTestId('booking-title').fill('Press briefing');
    await page.getByTestId('booking-room').selectOption('small-room');
    await page.getByTestId('booking-start').fill(localInput(at(monday, 3, 14)));
    await page.getByTestId('booking-end').fill(localInput(at(monday, 3, 15)));
    await page.getByTestId('booking-save').click();
    await page.getByTestId('booking-editor').waitFor({ state: 'detached' });
    await waitFor(
      async () => (await occurrences()).some((o) => o.title === 'Press briefing'),
      'the API has the calendar booking',
      5_000,
    );
    const made = (await occurrences()).find((o) => o.title === 'Press briefing')!;
    expect(new Date(made.start).getTime()).toBe(at(monday, 3, 14).getTime());
    await page
      .locator(`[data-testid="booking-item"][data-booking-id="${made.bookingId}"]`)
      .waitFor();
    await page.context().close();
  });

  it('a collision shows the 409 in place; a weekly series and a cancellation round-trip', async () => {
    const page = await openCalendar();
    await page.getByTestId('booking-new').click();
    await page.getByTestId('booking-title').fill('Clash');
    await page.getByTestId('booking-room').selectOption('council');
    await page.getByTestId('booking-start').fill(localInput(at(monday, 2, 10)));
    await page.getByTestId('booking-end').fill(localInput(at(monday, 2, 12)));
    await page.getByTestId('booking-save').click();
    const error = page.getByTestId('booking-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Budget review');

    // The same form, moved and made weekly ×3.
    await page.getByTestId('booking-start').fill(localInput(at(monday, 4, 9)));
    await page.getByTestId('booking-end').fill(localInput(at(monday, 4, 10)));
    await page.getByTestId('booking-repeat').selectOption('weekly');
    await page.getByTestId('booking-repeat-count').fill('3');
    await page.getByTestId('booking-save').click();
    await page.getByTestId('booking-editor').waitFor({ state: 'detached' });
    const series = (await occurrences()).filter((o) => o.title === 'Clash');
    expect(series).toHaveLength(3);
    const { body } = await api('GET', `/api/bookings/${series[0]!.bookingId}`);
    expect((body['recurrence'] as { rule: string }).rule).toContain('FREQ=WEEKLY');
    expect((body['recurrence'] as { rule: string }).rule).toContain('COUNT=3');

    const item = page.locator(
      `[data-testid="booking-item"][data-booking-id="${series[0]!.bookingId}"]`,
    );
    await item.click();
    expect(await page.getByTestId('booking-repeat').inputValue()).toBe('weekly');
    const download = page.waitForEvent('download');
    await page.getByTestId('booking-ics').click();
    const ics = await download;
    expect(ics.suggestedFilename()).toMatch(/\.ics$/);
    await page.getByTestId('booking-cancel').click();
    await item.waitFor({ state: 'detached' });
    const after = await api('GET', `/api/bookings/${series[0]!.bookingId}`);
    expect(after.body['status']).toBe('cancelled');
    await page.context().close();
  });

  it('without a token the calendar asks to sign in through the workspace', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${server.url}/bookings.html`);
    const signIn = page.getByTestId('bookings-signin');
    await signIn.waitFor();
    expect(await signIn.textContent()).toContain('workspace');
    expect(await page.getByTestId('bookings-dev-hint').textContent()).toContain(
      'npm run dev:token',
    );
    await page.context().close();
  });
});
