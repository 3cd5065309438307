// Accessibility of the join screen, the meeting and the bookings calendar:
// axe-core (injected from node_modules, nothing fetched) finds no serious or
// critical violation; the meeting announces arrivals, hands and chat in a
// polite live region; the join form works from the keyboard alone.
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinAs } from '../harness/browser.js';
import { useBrowser, useDatabase, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Serious and critical violations, one line each (rule, first elements, why). */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.nodes
          .slice(0, 4)
          .map(
            (n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`,
          )
          .join(' | ')}`,
    );
}

/**
 * A page whose CSP lets the test inject axe (the app's own script-src 'self'
 * refuses inline scripts, which is what addScriptTag creates).
 */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({
    bypassCSP: true,
    locale: 'ru-RU',
    permissions: ['camera', 'microphone'],
  });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe('accessibility', () => {
  const db = useDatabase();
  const server = useTestServer({ db });
  const browser = useBrowser();

  it('join screen and meeting: no serious violations; arrivals, hands and chat are announced', async () => {
    const anna = await openPage(browser, `${server.url}/r/a11y-room`);
    await anna.getByTestId('prejoin-cam-toggle').waitFor();
    await waitFor(
      async () => !(await anna.getByTestId('prejoin-cam-toggle').isDisabled()),
      'devices ready',
      10_000,
    );
    expect(await seriousViolations(anna)).toEqual([]);

    // Keyboard only: type the name, Tab to join, Enter.
    await anna.getByTestId('display-name').focus();
    await anna.keyboard.type('Анна');
    await anna.keyboard.press('Enter');
    await anna.getByTestId('local-video').waitFor();
    const announcer = anna.getByTestId('announcer');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');

    const boris = await openPage(browser, `${server.url}/r/a11y-room`);
    await joinAs(boris, 'Boris');
    await waitFor(
      async () => ((await announcer.textContent()) ?? '').includes('Boris'),
      'Boris joining is announced',
      20_000,
    );
    await boris.getByTestId('hand-toggle').click();
    await waitFor(
      async () => /Boris.*(рук|hand)/.test((await announcer.textContent()) ?? ''),
      'the raised hand is announced',
      10_000,
    );
    await boris.getByTestId('chat-toggle').click();
    await boris.getByTestId('chat-input').fill('Добрый день');
    await boris.getByTestId('chat-send').click();
    await waitFor(
      async () => ((await announcer.textContent()) ?? '').includes('Добрый день'),
      'the chat message is announced',
      10_000,
    );
    await anna.getByTestId('chat-toggle').click();
    expect(await seriousViolations(anna)).toEqual([]);
    // Leaving deliberately: a closed tab only counts as gone after the reconnect grace period.
    await boris.getByTestId('leave').click();
    await waitFor(
      async () => /Boris.*(выход|left)/.test((await announcer.textContent()) ?? ''),
      'Boris leaving is announced',
      20_000,
    );
    await boris.context().close();
    await anna.context().close();
  });

  it('bookings calendar (editor open) and admin dashboard: no serious violations', async () => {
    const token = await server.staffToken({ sub: 'olga', name: 'Ольга', office: 'gov-c' });
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'a11y-hall', name: 'Hall', capacity: 5 }),
    });
    expect(res.status).toBe(201);
    const page = await openPage(browser, `${server.url}/bookings.html#token=${token}`);
    await page.getByTestId('bookings-week').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('booking-new').click();
    await page.getByTestId('booking-repeat').selectOption('monthly');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.url}/admin.html#token=${token}`);
    await page.getByTestId('admin-rooms').waitFor();
    await page.getByTestId('admin-meetings').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('the meeting from the keyboard: Tab reaches every control, each with a name and a visible focus', async () => {
    const host = await openPage(browser, `${server.url}/r/a11y-keys`);
    await joinAs(host, 'Hanna');
    await host.getByTestId('local-video').waitFor();
    const guest = await openPage(browser, `${server.url}/r/a11y-keys`);
    await joinAs(guest, 'Gleb');
    await host.locator('[data-testid="tile"][data-peer-name="Gleb"]').waitFor({ timeout: 20_000 });
    await host.getByTestId('participants-toggle').click();
    await host.getByTestId('participants').waitFor();

    // Every enabled, visible control on the page.
    const controls = await host.evaluate(() => {
      const all = document.querySelectorAll<HTMLElement>(
        'button, select, input, textarea, a[href], [tabindex]:not([tabindex="-1"])',
      );
      return [...all]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return (
            box.width > 0 &&
            !(el as HTMLButtonElement).disabled &&
            el.getAttribute('tabindex') !== '-1'
          );
        })
        .map((el, index) => {
          el.dataset['a11yIndex'] = String(index);
          return index;
        });
    });
    expect(controls.length).toBeGreaterThan(15);

    // Tab from the top of the page; note what each stop looks like.
    await host.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    interface Stop {
      index: string | undefined;
      testId: string | null;
      name: string;
      focusShown: boolean;
    }
    const stops: Stop[] = [];
    for (let i = 0; i < controls.length + 10; i++) {
      await host.keyboard.press('Tab');
      const stop = await host.evaluate((): Stop | undefined => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return undefined;
        const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
        const name =
          el.getAttribute('aria-label') ??
          (el.getAttribute('aria-labelledby')
            ? document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent
            : undefined) ??
          (el.closest('label')?.textContent ||
            labelled ||
            el.textContent ||
            el.getAttribute('title'));
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        return {
          index: el.dataset['a11yIndex'],
          testId: el.getAttribute('data-testid'),
          name: (name ?? '').trim(),
          focusShown: outline || style.boxShadow !== 'none',
        };
      });
      if (stop) stops.push(stop);
    }
    const reached = new Set(stops.map((s) => s.index));
    const missed = await host.evaluate(
      (reachedIndexes) =>
        [...document.querySelectorAll<HTMLElement>('[data-a11y-index]')]
          .filter((el) => !reachedIndexes.includes(el.dataset['a11yIndex']!))
          .map((el) => el.getAttribute('data-testid') ?? el.outerHTML.slice(0, 80)),
      [...reached].filter((i): i is string => i !== undefined),
    );
    expect(missed).toEqual([]);
    expect(stops.filter((s) => s.name === '').map((s) => s.testId)).toEqual([]);
    expect(stops.filter((s) => !s.focusShown).map((s) => s.testId)).toEqual([]);
    await guest.context().close();
    await host.context().close();
  });
});
